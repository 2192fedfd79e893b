-- Schema version 2: the error table also keeps the received and stored numbers and whether the
-- request was rejected; rows written by version 1 get -1 ("not recorded") and enforced = 1.
-- The (AgentGUID, TheTimestamp) index serves the admin API's per-agent queries.

ALTER TABLE EPOAgentSequenceErrorLog ADD COLUMN Received INTEGER NOT NULL DEFAULT -1;
ALTER TABLE EPOAgentSequenceErrorLog ADD COLUMN Last INTEGER NOT NULL DEFAULT -1;
ALTER TABLE EPOAgentSequenceErrorLog ADD COLUMN Enforced INTEGER NOT NULL DEFAULT 1;

CREATE INDEX EPOAgentSequenceErrorLog_AgentGUID ON EPOAgentSequenceErrorLog (AgentGUID, TheTimestamp);
