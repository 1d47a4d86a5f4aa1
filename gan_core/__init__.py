"""GAN Levers engine: everything computable, importable without Streamlit."""
from .config import Config, ConfigError

__all__ = ["Config", "ConfigError"]
