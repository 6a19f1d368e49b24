"""The editing core: the Document (validated edits, events, undo records), its graph index,
new-item defaults and copies, relationship scope. No Qt here."""
