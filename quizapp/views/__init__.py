"""Blueprints: thin views that parse the request, call one service, commit and respond."""
