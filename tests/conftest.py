"""Fixtures every test may use: Redis (a test-owned server and namespaced use of the shared one)."""

pytest_plugins = ("tests.support.redis_server",)
