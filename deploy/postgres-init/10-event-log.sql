-- Runs once, when the postgresql service initializes its volume: the event log's own database on
-- the server that also holds Temporal's. The product creates its tables itself at start-up.
CREATE DATABASE billsby_events;
