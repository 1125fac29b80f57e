-- A change log of the search index, so a search process can keep an in-memory copy of the filter and
-- facet columns (search_documents, search_terms) up to date by reading only what changed since it last
-- looked. Every write of a spirit touches its search_documents row in the same transaction (the triggers
-- of the fts migration), so logging those rows is enough. The log keeps the last 10,000 changes; a
-- reader that falls further behind, or sees `generation` move (a bulk load), reloads everything.
CREATE TABLE `search_changes` (
	`seq` integer PRIMARY KEY AUTOINCREMENT,
	`doc_id` integer NOT NULL
);
--> statement-breakpoint
INSERT INTO `search_meta` (`key`, `value`) VALUES ('generation', 0);
--> statement-breakpoint
CREATE TRIGGER `search_documents_changes_insert` AFTER INSERT ON `search_documents` BEGIN
  INSERT INTO search_changes (doc_id) VALUES (NEW.doc_id);
  DELETE FROM search_changes WHERE seq <= (SELECT max(seq) FROM search_changes) - 10000;
END;
--> statement-breakpoint
CREATE TRIGGER `search_documents_changes_update` AFTER UPDATE ON `search_documents` BEGIN
  INSERT INTO search_changes (doc_id) VALUES (NEW.doc_id);
  DELETE FROM search_changes WHERE seq <= (SELECT max(seq) FROM search_changes) - 10000;
END;
--> statement-breakpoint
CREATE TRIGGER `search_documents_changes_delete` AFTER DELETE ON `search_documents` BEGIN
  INSERT INTO search_changes (doc_id) VALUES (OLD.doc_id);
  DELETE FROM search_changes WHERE seq <= (SELECT max(seq) FROM search_changes) - 10000;
END;
