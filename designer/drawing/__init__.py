"""What every picture of a design shares (no Qt): views and styles, where everything stands
(layout/) and how edges run between the cards (routing/)."""
