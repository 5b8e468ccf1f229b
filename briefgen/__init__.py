"""briefgen: cited content packs -> investor decks and one-page briefs, every figure proven."""

__version__ = "0.1.0"
