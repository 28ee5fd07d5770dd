"""The Textual user interface: a thin App, citizen and staff screens, small widgets."""
