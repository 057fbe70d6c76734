"""The business core: no HTTP, no templates."""
