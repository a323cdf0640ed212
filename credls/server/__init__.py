"""The credls language server (pygls). Start it with ``credls serve`` or
``python -m credls.server``; ``create_server()`` lives in ``credls.server.app``."""
