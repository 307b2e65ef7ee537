"""The hub's links to the world outside it: SP4N-LAPOR! (the national complaint system) and SMS
gateways, each behind an adapter interface, each fed by an outbox kept in the hub's database
so a report or a notice survives restarts and is handed on once."""
