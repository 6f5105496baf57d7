-- Run once by the postgres image on an empty volume: one database per service, so that each
-- can be backed up, restored or moved to a server of its own independently.
CREATE DATABASE card_svc;
CREATE DATABASE segment_svc;
CREATE DATABASE action_svc;
CREATE DATABASE export_svc;
