"""Plain Flask routes beside the Dash app: boundary layers for the map (cached by the browser)."""

from __future__ import annotations

import json

from flask import Flask, Response, abort

from data.model.store import load_model


def register_routes(server: Flask) -> None:
    @server.route("/geo/<fingerprint>/<layer>.json")
    def boundary_layer(fingerprint: str, layer: str) -> Response:
        model = load_model()
        if fingerprint != model.fingerprint or layer not in model.geojson:
            abort(404, description=f"no boundary layer {layer!r} for this model")
        body = json.dumps(model.geojson[layer], separators=(",", ":"))
        response = Response(body, mimetype="application/geo+json")
        # The URL carries the model's fingerprint, so the content never changes under it.
        response.headers["Cache-Control"] = "public, max-age=31536000, immutable"
        return response
