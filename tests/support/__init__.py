"""Helpers the tests share: paths, products built through the real reader, Redis, apps."""
