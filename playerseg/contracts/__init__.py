"""The published contracts: AsyncAPI and JSON Schemas of the events, OpenAPI of each service."""

from playerseg.contracts.asyncapi import asyncapi_document, message_schemas
from playerseg.contracts.files import rendered, stale, write
from playerseg.contracts.openapi import openapi_documents

__all__ = [
    "asyncapi_document",
    "message_schemas",
    "openapi_documents",
    "rendered",
    "stale",
    "write",
]
