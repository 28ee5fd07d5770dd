"""CaféPol kiosk: « Un café avec votre policier de quartier » at the commissariat counter."""

__version__ = "0.1.0"
