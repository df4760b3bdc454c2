"""Offers: products published on eMAG, their stock and price, the catalogue read back."""
