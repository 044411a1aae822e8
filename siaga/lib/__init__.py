"""Pure helpers (geometry, phone numbers, errors) with no models of their own."""
