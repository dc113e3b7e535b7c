"""Issued documents: the official forms and results as PDF, verifiable by QR code and PAdES signature."""
