"""The plan pages, by subject: public reading and exports, authoring, review and the yearly cycle."""
