"""The new-design wizard in the editor: the whitepaper's questions, page by page."""
