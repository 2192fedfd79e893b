-- seqguard schema for MariaDB 10.5+ and MySQL 8. All timestamps are UTC wall-clock values with
-- millisecond precision in DATETIME(3) columns (TIMESTAMP would convert by session time zone and
-- ends in 2038). GUID columns use ascii_bin: canonical GUIDs are ASCII and compare byte-wise, which
-- keeps the keys small and the ordering equal to the Java ordering.

-- Per-agent sequence state: one row per known GUID.
CREATE TABLE seqguard_agents (
    guid           VARCHAR(38) CHARACTER SET ascii COLLATE ascii_bin NOT NULL PRIMARY KEY,
    last           BIGINT       NOT NULL,   -- highest accepted sequence number
    prev_last      BIGINT       NOT NULL,   -- last before the latest acceptance (-1 after registration)
    ring           VARBINARY(1024),         -- window-mode ring (SequenceState.ringBytes), NULL in strict mode
    ver            BIGINT       NOT NULL,   -- compare-and-set version for window mode; random start, +1 per change
    first_seen     DATETIME(3)  NOT NULL,
    last_seen      DATETIME(3)  NOT NULL,
    last_node_name VARCHAR(255),
    last_mac       VARCHAR(12) CHARACTER SET ascii,
    last_ip        VARCHAR(45) CHARACTER SET ascii
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;

-- The sequence error table, named and shaped as administrators know it.
CREATE TABLE EPOAgentSequenceErrorLog (
    AutoID       BIGINT       NOT NULL AUTO_INCREMENT PRIMARY KEY,
    AgentGUID    VARCHAR(38) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    NodeName     VARCHAR(255),
    IPAddress    VARCHAR(45) CHARACTER SET ascii,
    MACAddress   VARCHAR(12) CHARACTER SET ascii,
    TheTimestamp DATETIME(3)  NOT NULL,   -- UTC
    Received     BIGINT       NOT NULL,
    Last         BIGINT       NOT NULL,
    Enforced     BOOLEAN      NOT NULL,
    INDEX EPOAgentSequenceErrorLog_time (TheTimestamp),
    INDEX EPOAgentSequenceErrorLog_guid_time (AgentGUID, TheTimestamp)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;

-- Rows written to the error table per clock hour (UTC): the exact, cross-node hourly limit.
CREATE TABLE seqguard_error_hours (
    hour_start DATETIME(0)  NOT NULL PRIMARY KEY,
    row_count  INT          NOT NULL
) ENGINE = InnoDB;
