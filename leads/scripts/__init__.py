"""The Lua scripts of the leads library (data, loaded by ``leads.redisconn.Scripts``).

A package only so that packaging ships the ``*.lua`` files with ``leads``.
"""
