"""The LL2 source: an HTTP client for Launch Library 2 (client.py) and a tolerant parser (parse.py)
into Launch values (model.py).

Import from the modules themselves: this package imports nothing, so reading a Launch never loads httpx.
"""
