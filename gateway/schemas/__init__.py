"""Public HTTP shapes (``<Noun>CreateSchema`` / ``<Noun>PublicSchema`` / ...).

They are separate from the service contracts (``services/common/contracts``) so the
public API can be versioned on its own; they reuse the contracts' enums and formats so
that what passes here also passes the contract. Every field carries a description for
the OpenAPI document.
"""
