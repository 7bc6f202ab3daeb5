-- One database per service (each service owns its schema through Flyway).
CREATE DATABASE inventory;
CREATE DATABASE planner;
CREATE DATABASE executor;
