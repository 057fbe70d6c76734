"""Fulfilment: production, packing, shipping, carrier events and delivery."""
