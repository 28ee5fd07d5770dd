"""The domain: plain functions over the models, returning plain dataclasses. Never imports Textual."""
