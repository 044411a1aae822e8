"""Siaga112: an open-source command centre for
an Indonesian city's 112 emergency service."""
