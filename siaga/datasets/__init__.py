"""Data sets a city starts from: areas,
landmarks, agencies and the category taxonomy."""
