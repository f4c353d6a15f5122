"""The OpenAPI 3.0 description of servq's Open311 GeoReport v2 endpoint (JSON; XML mirrors it)."""

from __future__ import annotations

from typing import Any

ERRORS: dict[str, Any] = {
    "description": "Open311 errors",
    "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Errors"}}},
}
NULLABLE_STRING = {"type": "string", "nullable": True}

POST_FIELDS: dict[str, Any] = {
    "type": "object",
    "required": ["api_key", "service_code"],
    "properties": {
        "api_key": {"type": "string"},
        "service_code": {"type": "string"},
        "lat": {"type": "number", "minimum": -90, "maximum": 90},
        "long": {"type": "number", "minimum": -180, "maximum": 180},
        "address_string": {"type": "string", "maxLength": 200},
        "email": {"type": "string"},
        "first_name": {"type": "string", "maxLength": 30},
        "last_name": {"type": "string", "maxLength": 30},
        "phone": {"type": "string"},
        "description": {"type": "string", "maxLength": 5000},
    },
}

SPEC: dict[str, Any] = {
    "openapi": "3.0.3",
    "info": {
        "title": "servq Open311 GeoReport v2",
        "version": "2.0",
        "description": "市民案件（陳情、報修、檢舉…）的 Open311 GeoReport v2 介面。POST 需要 api_key。"
        "Each path also answers in XML with the .xml suffix.",
    },
    "paths": {
        "/open311/v2/services.json": {
            "get": {
                "summary": "Service list",
                "responses": {
                    "200": {
                        "description": "The categories cases are filed under",
                        "content": {
                            "application/json": {
                                "schema": {"type": "array", "items": {"$ref": "#/components/schemas/Service"}}
                            }
                        },
                    }
                },
            }
        },
        "/open311/v2/services/{service_code}.json": {
            "get": {
                "summary": "Service definition",
                "parameters": [
                    {
                        "name": "service_code",
                        "in": "path",
                        "required": True,
                        "schema": {"type": "string", "pattern": "^[a-z0-9-]{1,40}$"},
                    }
                ],
                "responses": {
                    "200": {
                        "description": "Attributes of a service (servq's have none)",
                        "content": {
                            "application/json": {"schema": {"$ref": "#/components/schemas/ServiceDefinition"}}
                        },
                    },
                    "404": ERRORS,
                },
            }
        },
        "/open311/v2/requests.json": {
            "get": {
                "summary": "Requests by filters (90 days by default, at most 1000)",
                "parameters": [
                    {"name": "service_request_id", "in": "query", "schema": {"type": "string"}},
                    {"name": "service_code", "in": "query", "schema": {"type": "string"}},
                    {
                        "name": "start_date",
                        "in": "query",
                        "schema": {"type": "string", "format": "date-time"},
                    },
                    {"name": "end_date", "in": "query", "schema": {"type": "string", "format": "date-time"}},
                    {
                        "name": "status",
                        "in": "query",
                        "schema": {"type": "string", "enum": ["open", "closed", "open,closed"]},
                    },
                ],
                "responses": {
                    "200": {
                        "description": "Matching requests, without personal data",
                        "content": {
                            "application/json": {
                                "schema": {"type": "array", "items": {"$ref": "#/components/schemas/Request"}}
                            }
                        },
                    },
                    "400": ERRORS,
                },
            },
            "post": {
                "summary": "File a request",
                "requestBody": {
                    "required": True,
                    "content": {
                        "application/x-www-form-urlencoded": {"schema": POST_FIELDS},
                        "application/json": {"schema": POST_FIELDS},
                    },
                },
                "responses": {
                    "201": {
                        "description": "The new request's id and query password",
                        "content": {
                            "application/json": {
                                "schema": {
                                    "type": "array",
                                    "items": {"$ref": "#/components/schemas/PostResult"},
                                }
                            }
                        },
                    },
                    "400": ERRORS,
                    "413": ERRORS,
                    "403": ERRORS,
                    "404": ERRORS,
                    "503": ERRORS,
                },
            },
        },
        "/open311/v2/requests/{service_request_id}.json": {
            "get": {
                "summary": "One request",
                "parameters": [
                    {
                        "name": "service_request_id",
                        "in": "path",
                        "required": True,
                        "schema": {"type": "string", "pattern": "^[0-9]{1,24}$"},
                    }
                ],
                "responses": {
                    "200": {
                        "description": "The request",
                        "content": {
                            "application/json": {
                                "schema": {"type": "array", "items": {"$ref": "#/components/schemas/Request"}}
                            }
                        },
                    },
                    "404": ERRORS,
                },
            }
        },
    },
    "components": {
        "schemas": {
            "Errors": {
                "type": "array",
                "items": {
                    "type": "object",
                    "required": ["code", "description"],
                    "properties": {"code": {"type": "integer"}, "description": {"type": "string"}},
                },
            },
            "Service": {
                "type": "object",
                "required": ["service_code", "service_name", "metadata", "type"],
                "properties": {
                    "service_code": {"type": "string"},
                    "service_name": {"type": "string"},
                    "description": {"type": "string"},
                    "metadata": {"type": "boolean"},
                    "type": {"type": "string", "enum": ["realtime", "batch", "blackbox"]},
                    "keywords": {"type": "string"},
                    "group": {"type": "string"},
                },
            },
            "ServiceDefinition": {
                "type": "object",
                "required": ["service_code", "attributes"],
                "properties": {
                    "service_code": {"type": "string"},
                    "attributes": {"type": "array", "items": {"type": "object"}},
                },
            },
            "Request": {
                "type": "object",
                "required": ["service_request_id", "status", "service_code", "requested_datetime"],
                "properties": {
                    "service_request_id": {"type": "string"},
                    "status": {"type": "string", "enum": ["open", "closed"]},
                    "status_notes": NULLABLE_STRING,
                    "service_name": {"type": "string"},
                    "service_code": {"type": "string"},
                    "description": {"type": "string"},
                    "agency_responsible": {"type": "string"},
                    "service_notice": NULLABLE_STRING,
                    "requested_datetime": {"type": "string", "format": "date-time"},
                    "updated_datetime": {"type": "string", "format": "date-time"},
                    "expected_datetime": {"type": "string", "format": "date-time"},
                    "address": NULLABLE_STRING,
                    "lat": {"type": "number", "nullable": True},
                    "long": {"type": "number", "nullable": True},
                },
            },
            "PostResult": {
                "type": "object",
                "required": ["service_request_id", "query_password"],
                "properties": {
                    "service_request_id": {"type": "string"},
                    "service_notice": NULLABLE_STRING,
                    "account_id": NULLABLE_STRING,
                    "query_password": {"type": "string"},
                },
            },
        }
    },
}
