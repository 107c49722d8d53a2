"""Sub-commands of ``collector``; each module exposes ``register(app)``."""
