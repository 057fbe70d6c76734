"""The catalog: products as a customer account sees them (its prices, availability)."""
