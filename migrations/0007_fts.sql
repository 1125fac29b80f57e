-- The search index over spirits (hand-written: drizzle cannot describe FTS5 tables, views or triggers).
--
-- search_documents   one compact row per spirit: the columns search filters, sorts and facets on, with
--                    an INTEGER doc_id. The FTS rowid must be stable, and the implicit rowid of `spirits`
--                    (a table keyed by text) may change on VACUUM, so the index keys on doc_id instead.
-- search_terms       the many-valued facets of a document: tags, award names, medals, cask families.
-- spirits_fts        FTS5, external content: the text lives in `spirits`, read through the view
--                    search_text; bm25 weights name > distillery, brand > facts > awards, tags > notes,
--                    description (see the `rank` setting below).
-- spirits_fts_vocab  fts5vocab over it: the known terms, for typo tolerance.
-- Triggers on spirits keep all of them in step in the same transaction as the change. Archived spirits
-- stay indexed (staff may search them) and are filtered out by status for everyone else.
CREATE TABLE `search_meta` (
	`key` text PRIMARY KEY NOT NULL,
	`value` integer NOT NULL
) WITHOUT ROWID;
--> statement-breakpoint
-- Grows whenever indexed text changes, so the service knows when to reload its vocabulary.
INSERT INTO `search_meta` (`key`, `value`) VALUES ('vocabulary_version', 0);
--> statement-breakpoint
CREATE TABLE `search_country_names` (
	`code` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL
) WITHOUT ROWID;
--> statement-breakpoint
INSERT INTO `search_country_names` (`code`, `name`) VALUES
  ('AD', 'Andorra'), ('AE', 'United Arab Emirates'), ('AF', 'Afghanistan'), ('AG', 'Antigua & Barbuda'), ('AI', 'Anguilla'), ('AL', 'Albania'),
  ('AM', 'Armenia'), ('AO', 'Angola'), ('AQ', 'Antarctica'), ('AR', 'Argentina'), ('AS', 'American Samoa'), ('AT', 'Austria'),
  ('AU', 'Australia'), ('AW', 'Aruba'), ('AX', 'Åland Islands'), ('AZ', 'Azerbaijan'), ('BA', 'Bosnia & Herzegovina'), ('BB', 'Barbados'),
  ('BD', 'Bangladesh'), ('BE', 'Belgium'), ('BF', 'Burkina Faso'), ('BG', 'Bulgaria'), ('BH', 'Bahrain'), ('BI', 'Burundi'),
  ('BJ', 'Benin'), ('BL', 'St. Barthélemy'), ('BM', 'Bermuda'), ('BN', 'Brunei'), ('BO', 'Bolivia'), ('BQ', 'Caribbean Netherlands'),
  ('BR', 'Brazil'), ('BS', 'Bahamas'), ('BT', 'Bhutan'), ('BV', 'Bouvet Island'), ('BW', 'Botswana'), ('BY', 'Belarus'),
  ('BZ', 'Belize'), ('CA', 'Canada'), ('CC', 'Cocos (Keeling) Islands'), ('CD', 'Congo - Kinshasa'), ('CF', 'Central African Republic'), ('CG', 'Congo - Brazzaville'),
  ('CH', 'Switzerland'), ('CI', 'Côte d’Ivoire'), ('CK', 'Cook Islands'), ('CL', 'Chile'), ('CM', 'Cameroon'), ('CN', 'China'),
  ('CO', 'Colombia'), ('CR', 'Costa Rica'), ('CU', 'Cuba'), ('CV', 'Cape Verde'), ('CW', 'Curaçao'), ('CX', 'Christmas Island'),
  ('CY', 'Cyprus'), ('CZ', 'Czechia'), ('DE', 'Germany'), ('DJ', 'Djibouti'), ('DK', 'Denmark'), ('DM', 'Dominica'),
  ('DO', 'Dominican Republic'), ('DZ', 'Algeria'), ('EC', 'Ecuador'), ('EE', 'Estonia'), ('EG', 'Egypt'), ('EH', 'Western Sahara'),
  ('ER', 'Eritrea'), ('ES', 'Spain'), ('ET', 'Ethiopia'), ('FI', 'Finland'), ('FJ', 'Fiji'), ('FK', 'Falkland Islands'),
  ('FM', 'Micronesia'), ('FO', 'Faroe Islands'), ('FR', 'France'), ('GA', 'Gabon'), ('GB', 'United Kingdom'), ('GD', 'Grenada'),
  ('GE', 'Georgia'), ('GF', 'French Guiana'), ('GG', 'Guernsey'), ('GH', 'Ghana'), ('GI', 'Gibraltar'), ('GL', 'Greenland'),
  ('GM', 'Gambia'), ('GN', 'Guinea'), ('GP', 'Guadeloupe'), ('GQ', 'Equatorial Guinea'), ('GR', 'Greece'), ('GS', 'South Georgia & South Sandwich Islands'),
  ('GT', 'Guatemala'), ('GU', 'Guam'), ('GW', 'Guinea-Bissau'), ('GY', 'Guyana'), ('HK', 'Hong Kong SAR China'), ('HM', 'Heard & McDonald Islands'),
  ('HN', 'Honduras'), ('HR', 'Croatia'), ('HT', 'Haiti'), ('HU', 'Hungary'), ('ID', 'Indonesia'), ('IE', 'Ireland'),
  ('IL', 'Israel'), ('IM', 'Isle of Man'), ('IN', 'India'), ('IO', 'British Indian Ocean Territory'), ('IQ', 'Iraq'), ('IR', 'Iran'),
  ('IS', 'Iceland'), ('IT', 'Italy'), ('JE', 'Jersey'), ('JM', 'Jamaica'), ('JO', 'Jordan'), ('JP', 'Japan'),
  ('KE', 'Kenya'), ('KG', 'Kyrgyzstan'), ('KH', 'Cambodia'), ('KI', 'Kiribati'), ('KM', 'Comoros'), ('KN', 'St. Kitts & Nevis'),
  ('KP', 'North Korea'), ('KR', 'South Korea'), ('KW', 'Kuwait'), ('KY', 'Cayman Islands'), ('KZ', 'Kazakhstan'), ('LA', 'Laos'),
  ('LB', 'Lebanon'), ('LC', 'St. Lucia'), ('LI', 'Liechtenstein'), ('LK', 'Sri Lanka'), ('LR', 'Liberia'), ('LS', 'Lesotho'),
  ('LT', 'Lithuania'), ('LU', 'Luxembourg'), ('LV', 'Latvia'), ('LY', 'Libya'), ('MA', 'Morocco'), ('MC', 'Monaco'),
  ('MD', 'Moldova'), ('ME', 'Montenegro'), ('MF', 'St. Martin'), ('MG', 'Madagascar'), ('MH', 'Marshall Islands'), ('MK', 'North Macedonia'),
  ('ML', 'Mali'), ('MM', 'Myanmar (Burma)'), ('MN', 'Mongolia'), ('MO', 'Macao SAR China'), ('MP', 'Northern Mariana Islands'), ('MQ', 'Martinique'),
  ('MR', 'Mauritania'), ('MS', 'Montserrat'), ('MT', 'Malta'), ('MU', 'Mauritius'), ('MV', 'Maldives'), ('MW', 'Malawi'),
  ('MX', 'Mexico'), ('MY', 'Malaysia'), ('MZ', 'Mozambique'), ('NA', 'Namibia'), ('NC', 'New Caledonia'), ('NE', 'Niger'),
  ('NF', 'Norfolk Island'), ('NG', 'Nigeria'), ('NI', 'Nicaragua'), ('NL', 'Netherlands'), ('NO', 'Norway'), ('NP', 'Nepal'),
  ('NR', 'Nauru'), ('NU', 'Niue'), ('NZ', 'New Zealand'), ('OM', 'Oman'), ('PA', 'Panama'), ('PE', 'Peru'),
  ('PF', 'French Polynesia'), ('PG', 'Papua New Guinea'), ('PH', 'Philippines'), ('PK', 'Pakistan'), ('PL', 'Poland'), ('PM', 'St. Pierre & Miquelon'),
  ('PN', 'Pitcairn Islands'), ('PR', 'Puerto Rico'), ('PS', 'Palestinian Territories'), ('PT', 'Portugal'), ('PW', 'Palau'), ('PY', 'Paraguay'),
  ('QA', 'Qatar'), ('RE', 'Réunion'), ('RO', 'Romania'), ('RS', 'Serbia'), ('RU', 'Russia'), ('RW', 'Rwanda'),
  ('SA', 'Saudi Arabia'), ('SB', 'Solomon Islands'), ('SC', 'Seychelles'), ('SD', 'Sudan'), ('SE', 'Sweden'), ('SG', 'Singapore'),
  ('SH', 'St. Helena'), ('SI', 'Slovenia'), ('SJ', 'Svalbard & Jan Mayen'), ('SK', 'Slovakia'), ('SL', 'Sierra Leone'), ('SM', 'San Marino'),
  ('SN', 'Senegal'), ('SO', 'Somalia'), ('SR', 'Suriname'), ('SS', 'South Sudan'), ('ST', 'São Tomé & Príncipe'), ('SV', 'El Salvador'),
  ('SX', 'Sint Maarten'), ('SY', 'Syria'), ('SZ', 'Eswatini'), ('TC', 'Turks & Caicos Islands'), ('TD', 'Chad'), ('TF', 'French Southern Territories'),
  ('TG', 'Togo'), ('TH', 'Thailand'), ('TJ', 'Tajikistan'), ('TK', 'Tokelau'), ('TL', 'Timor-Leste'), ('TM', 'Turkmenistan'),
  ('TN', 'Tunisia'), ('TO', 'Tonga'), ('TR', 'Türkiye'), ('TT', 'Trinidad & Tobago'), ('TV', 'Tuvalu'), ('TW', 'Taiwan'),
  ('TZ', 'Tanzania'), ('UA', 'Ukraine'), ('UG', 'Uganda'), ('UM', 'U.S. Outlying Islands'), ('US', 'United States'), ('UY', 'Uruguay'),
  ('UZ', 'Uzbekistan'), ('VA', 'Vatican City'), ('VC', 'St. Vincent & Grenadines'), ('VE', 'Venezuela'), ('VG', 'British Virgin Islands'), ('VI', 'U.S. Virgin Islands'),
  ('VN', 'Vietnam'), ('VU', 'Vanuatu'), ('WF', 'Wallis & Futuna'), ('WS', 'Samoa'), ('YE', 'Yemen'), ('YT', 'Mayotte'),
  ('ZA', 'South Africa'), ('ZM', 'Zambia'), ('ZW', 'Zimbabwe');
--> statement-breakpoint
CREATE TABLE `search_type_words` (
	`type` text PRIMARY KEY NOT NULL,
	`words` text NOT NULL
) WITHOUT ROWID;
--> statement-breakpoint
INSERT INTO `search_type_words` (`type`, `words`) VALUES
  ('whisky', 'whisky whiskey'), ('scotch', 'scotch whisky scotland scottish'),
  ('bourbon', 'bourbon whiskey american'), ('rye', 'rye whiskey'),
  ('irish', 'irish whiskey ireland'), ('japanese', 'japanese whisky japan'),
  ('rum', 'rum rhum'), ('gin', 'gin'), ('cognac', 'cognac brandy'), ('armagnac', 'armagnac brandy'),
  ('brandy', 'brandy'), ('calvados', 'calvados apple brandy'), ('mezcal', 'mezcal agave'),
  ('tequila', 'tequila agave'), ('vodka', 'vodka'), ('liqueur', 'liqueur'), ('other', '');
--> statement-breakpoint
-- Cask words on labels mapped to the families the caskType facet and filter use.
CREATE TABLE `search_cask_patterns` (
	`family` text NOT NULL,
	`pattern` text NOT NULL,
	PRIMARY KEY (`family`, `pattern`)
) WITHOUT ROWID;
--> statement-breakpoint
INSERT INTO `search_cask_patterns` (`family`, `pattern`) VALUES
  ('sherry', '%sherry%'), ('sherry', '%oloroso%'), ('sherry', '%pedro xim%'), ('sherry', '%amontillado%'),
  ('sherry', '%palo cortado%'), ('sherry', '%manzanilla%'), ('sherry', '%fino %'),
  ('bourbon', '%bourbon%'),
  ('port', '% port%'), ('port', 'port %'), ('port', '%tawny%'),
  ('wine', '%wine%'), ('wine', '%sauternes%'), ('wine', '%bordeaux%'), ('wine', '%madeira%'),
  ('wine', '%marsala%'), ('wine', '%tokaji%'), ('wine', '%barrique%'), ('wine', '%burgundy%'),
  ('rum', '% rum%'), ('rum', 'rum %'),
  ('virgin-oak', '%virgin%'), ('virgin-oak', '%str %'), ('virgin-oak', '%new oak%'),
  ('new-charred-oak', '%charred%'), ('new-charred-oak', '%new american oak%'),
  ('mizunara', '%mizunara%'),
  ('french-oak', '%french%'), ('french-oak', '%limousin%'), ('french-oak', '%tron_ais%'),
  ('refill', '%refill%');
--> statement-breakpoint
CREATE TABLE `search_documents` (
	`doc_id` integer PRIMARY KEY,
	`spirit_id` text NOT NULL,
	`status` text NOT NULL,
	`type` text NOT NULL,
	`country` text NOT NULL,
	`region` text,
	`distillery` text NOT NULL,
	`brand` text NOT NULL,
	`age_years` integer,
	`age_bucket` text NOT NULL,
	`vintage` integer,
	`abv` real NOT NULL,
	`price_minor` integer NOT NULL,
	`currency` text NOT NULL,
	`price_bucket` text NOT NULL,
	`release_date` text,
	`limited` integer NOT NULL,
	`rating` real,
	`rating_count` integer NOT NULL,
	`created_at` text NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `search_documents_spirit_uq` ON `search_documents` (`spirit_id`);
--> statement-breakpoint
CREATE INDEX `search_documents_created_idx` ON `search_documents` (`created_at`, `spirit_id`);
--> statement-breakpoint
CREATE INDEX `search_documents_price_idx` ON `search_documents` (`price_minor`, `spirit_id`);
--> statement-breakpoint
CREATE TABLE `search_terms` (
	`facet` text NOT NULL,
	`value` text NOT NULL,
	`doc_id` integer NOT NULL,
	PRIMARY KEY (`facet`, `value`, `doc_id`)
) WITHOUT ROWID;
--> statement-breakpoint
CREATE INDEX `search_terms_doc_idx` ON `search_terms` (`doc_id`, `facet`);
--> statement-breakpoint
-- How many minor units make a major one, for currencies that do not use two decimals.
CREATE TABLE `search_currency_units` (
	`currency` text PRIMARY KEY NOT NULL,
	`per_major` real NOT NULL
) WITHOUT ROWID;
--> statement-breakpoint
INSERT INTO `search_currency_units` (`currency`, `per_major`) VALUES
  ('BIF', 1), ('CLP', 1), ('DJF', 1), ('GNF', 1), ('ISK', 1), ('JPY', 1), ('KMF', 1), ('KRW', 1),
  ('PYG', 1), ('RWF', 1), ('UGX', 1), ('VND', 1), ('VUV', 1), ('XAF', 1), ('XOF', 1), ('XPF', 1),
  ('BHD', 1000), ('IQD', 1000), ('JOD', 1000), ('KWD', 1000), ('LYD', 1000), ('OMR', 1000), ('TND', 1000);
--> statement-breakpoint
-- The filterable columns of a spirit, with the derived buckets; one definition for triggers and rebuilds.
CREATE VIEW `search_document_source` AS
SELECT
  s.id AS spirit_id, s.status, s.type, s.country, s.region, s.distillery, s.brand,
  s.age_years,
  CASE
    WHEN s.age_years IS NULL THEN 'nas'
    WHEN s.age_years < 12 THEN 'under-12'
    WHEN s.age_years < 18 THEN '12-17'
    WHEN s.age_years < 25 THEN '18-24'
    WHEN s.age_years < 40 THEN '25-39'
    ELSE '40-plus'
  END AS age_bucket,
  s.vintage, s.abv, s.price_minor, s.currency,
  CASE
    WHEN s.price_minor < 50 * coalesce(u.per_major, 100) THEN 'under-50'
    WHEN s.price_minor < 100 * coalesce(u.per_major, 100) THEN '50-100'
    WHEN s.price_minor < 250 * coalesce(u.per_major, 100) THEN '100-250'
    WHEN s.price_minor < 500 * coalesce(u.per_major, 100) THEN '250-500'
    WHEN s.price_minor < 1000 * coalesce(u.per_major, 100) THEN '500-1000'
    ELSE '1000-plus'
  END AS price_bucket,
  s.release_date, s.limited_edition AS limited, s.rating_average AS rating, s.rating_count, s.created_at
FROM spirits s
LEFT JOIN search_currency_units u ON u.currency = s.currency;
--> statement-breakpoint
-- The many-valued facets of each spirit.
CREATE VIEW `search_term_source` AS
SELECT s.id AS spirit_id, 'tag' AS facet, t.value AS value FROM spirits s, json_each(s.tags) t
UNION ALL
SELECT s.id, 'award', json_extract(a.value, '$.name') FROM spirits s, json_each(s.awards) a
UNION ALL
SELECT s.id, 'medal', json_extract(a.value, '$.medal') FROM spirits s, json_each(s.awards) a
UNION ALL
SELECT s.id, 'cask', c.family FROM spirits s JOIN search_cask_patterns c ON lower(s.cask_type) LIKE c.pattern;
--> statement-breakpoint
-- The text of each document as the FTS table indexes it (and reads back for snippets). The `facts`
-- column holds what a shopper types but no text field says: region, country, type words, cask, vintage.
CREATE VIEW `search_text` AS
SELECT
  d.doc_id, d.spirit_id,
  s.name, s.distillery, s.brand,
  trim(coalesce(s.region, '') || ' ' || coalesce(cn.name, '') || ' ' || coalesce(tw.words, s.type) || ' ' ||
    coalesce(s.cask_type, '') || ' ' || coalesce(s.vintage, '')) AS facts,
  coalesce((SELECT group_concat(json_extract(a.value, '$.name') || ' ' ||
      replace(json_extract(a.value, '$.medal'), '_', ' ') || ' ' || json_extract(a.value, '$.year'), ' ')
    FROM json_each(s.awards) a), '') AS awards,
  coalesce((SELECT group_concat(replace(t.value, '-', ' '), ' ') FROM json_each(s.tags) t), '') AS tags,
  coalesce(json_extract(s.tasting_notes, '$.nose'), '') || ' ' ||
    coalesce(json_extract(s.tasting_notes, '$.palate'), '') || ' ' ||
    coalesce(json_extract(s.tasting_notes, '$.finish'), '') AS notes,
  s.description
FROM search_documents d
JOIN spirits s ON s.id = d.spirit_id
LEFT JOIN search_country_names cn ON cn.code = s.country
LEFT JOIN search_type_words tw ON tw.type = s.type;
--> statement-breakpoint
CREATE VIRTUAL TABLE `spirits_fts` USING fts5(
  name, distillery, brand, facts, awards, tags, notes, description,
  content = 'search_text',
  content_rowid = 'doc_id',
  tokenize = 'unicode61 remove_diacritics 2',
  prefix = '2 3'
);
--> statement-breakpoint
INSERT INTO `spirits_fts` (`spirits_fts`, `rank`) VALUES ('rank', 'bm25(10.0, 5.0, 5.0, 3.0, 2.0, 2.0, 1.0, 1.0)');
--> statement-breakpoint
CREATE VIRTUAL TABLE `spirits_fts_vocab` USING fts5vocab('spirits_fts', 'row');
--> statement-breakpoint
CREATE TRIGGER `spirits_search_after_insert` AFTER INSERT ON `spirits` BEGIN
  INSERT INTO search_documents (spirit_id, status, type, country, region, distillery, brand, age_years,
    age_bucket, vintage, abv, price_minor, currency, price_bucket, release_date, limited, rating,
    rating_count, created_at)
  SELECT spirit_id, status, type, country, region, distillery, brand, age_years, age_bucket, vintage, abv,
    price_minor, currency, price_bucket, release_date, limited, rating, rating_count, created_at
  FROM search_document_source WHERE spirit_id = NEW.id;
  INSERT OR IGNORE INTO search_terms (facet, value, doc_id)
  SELECT src.facet, src.value, d.doc_id FROM search_term_source src
  JOIN search_documents d ON d.spirit_id = src.spirit_id
  WHERE src.spirit_id = NEW.id AND src.value IS NOT NULL;
  INSERT INTO spirits_fts (rowid, name, distillery, brand, facts, awards, tags, notes, description)
  SELECT doc_id, name, distillery, brand, facts, awards, tags, notes, description
  FROM search_text WHERE spirit_id = NEW.id;
  UPDATE search_meta SET value = value + 1 WHERE key = 'vocabulary_version';
END;
--> statement-breakpoint
-- Before the row changes, take its old text out of the index (external content needs the old values).
CREATE TRIGGER `spirits_search_before_update` BEFORE UPDATE ON `spirits`
WHEN OLD.name IS NOT NEW.name OR OLD.distillery IS NOT NEW.distillery OR OLD.brand IS NOT NEW.brand
  OR OLD.region IS NOT NEW.region OR OLD.country IS NOT NEW.country OR OLD.type IS NOT NEW.type
  OR OLD.cask_type IS NOT NEW.cask_type OR OLD.vintage IS NOT NEW.vintage OR OLD.awards IS NOT NEW.awards
  OR OLD.tags IS NOT NEW.tags OR OLD.tasting_notes IS NOT NEW.tasting_notes
  OR OLD.description IS NOT NEW.description OR OLD.id IS NOT NEW.id
BEGIN
  INSERT INTO spirits_fts (spirits_fts, rowid, name, distillery, brand, facts, awards, tags, notes, description)
  SELECT 'delete', doc_id, name, distillery, brand, facts, awards, tags, notes, description
  FROM search_text WHERE spirit_id = OLD.id;
END;
--> statement-breakpoint
-- One trigger for everything after an update, so the steps run in this order (SQLite does not order
-- several triggers on one event).
CREATE TRIGGER `spirits_search_after_update` AFTER UPDATE ON `spirits` BEGIN
  UPDATE search_documents SET (spirit_id, status, type, country, region, distillery, brand, age_years,
    age_bucket, vintage, abv, price_minor, currency, price_bucket, release_date, limited, rating,
    rating_count, created_at) = (
    SELECT spirit_id, status, type, country, region, distillery, brand, age_years, age_bucket, vintage, abv,
      price_minor, currency, price_bucket, release_date, limited, rating, rating_count, created_at
    FROM search_document_source WHERE spirit_id = NEW.id)
  WHERE spirit_id = OLD.id;
  DELETE FROM search_terms
  WHERE (OLD.tags IS NOT NEW.tags OR OLD.awards IS NOT NEW.awards OR OLD.cask_type IS NOT NEW.cask_type
      OR OLD.id IS NOT NEW.id)
    AND doc_id = (SELECT doc_id FROM search_documents WHERE spirit_id = NEW.id);
  INSERT OR IGNORE INTO search_terms (facet, value, doc_id)
  SELECT src.facet, src.value, d.doc_id FROM search_term_source src
  JOIN search_documents d ON d.spirit_id = src.spirit_id
  WHERE src.spirit_id = NEW.id AND src.value IS NOT NULL
    AND (OLD.tags IS NOT NEW.tags OR OLD.awards IS NOT NEW.awards OR OLD.cask_type IS NOT NEW.cask_type
      OR OLD.id IS NOT NEW.id);
  INSERT INTO spirits_fts (rowid, name, distillery, brand, facts, awards, tags, notes, description)
  SELECT doc_id, name, distillery, brand, facts, awards, tags, notes, description
  FROM search_text
  WHERE spirit_id = NEW.id
    AND (OLD.name IS NOT NEW.name OR OLD.distillery IS NOT NEW.distillery OR OLD.brand IS NOT NEW.brand
      OR OLD.region IS NOT NEW.region OR OLD.country IS NOT NEW.country OR OLD.type IS NOT NEW.type
      OR OLD.cask_type IS NOT NEW.cask_type OR OLD.vintage IS NOT NEW.vintage OR OLD.awards IS NOT NEW.awards
      OR OLD.tags IS NOT NEW.tags OR OLD.tasting_notes IS NOT NEW.tasting_notes
      OR OLD.description IS NOT NEW.description OR OLD.id IS NOT NEW.id);
  UPDATE search_meta SET value = value + 1
  WHERE key = 'vocabulary_version'
    AND (OLD.name IS NOT NEW.name OR OLD.distillery IS NOT NEW.distillery OR OLD.brand IS NOT NEW.brand
      OR OLD.region IS NOT NEW.region OR OLD.country IS NOT NEW.country OR OLD.type IS NOT NEW.type
      OR OLD.cask_type IS NOT NEW.cask_type OR OLD.vintage IS NOT NEW.vintage OR OLD.awards IS NOT NEW.awards
      OR OLD.tags IS NOT NEW.tags OR OLD.tasting_notes IS NOT NEW.tasting_notes
      OR OLD.description IS NOT NEW.description OR OLD.id IS NOT NEW.id);
END;
--> statement-breakpoint
CREATE TRIGGER `spirits_search_before_delete` BEFORE DELETE ON `spirits` BEGIN
  INSERT INTO spirits_fts (spirits_fts, rowid, name, distillery, brand, facts, awards, tags, notes, description)
  SELECT 'delete', doc_id, name, distillery, brand, facts, awards, tags, notes, description
  FROM search_text WHERE spirit_id = OLD.id;
END;
--> statement-breakpoint
CREATE TRIGGER `spirits_search_after_delete` AFTER DELETE ON `spirits` BEGIN
  DELETE FROM search_terms WHERE doc_id = (SELECT doc_id FROM search_documents WHERE spirit_id = OLD.id);
  DELETE FROM search_documents WHERE spirit_id = OLD.id;
  UPDATE search_meta SET value = value + 1 WHERE key = 'vocabulary_version';
END;
--> statement-breakpoint
-- Index what is already there.
INSERT INTO search_documents (spirit_id, status, type, country, region, distillery, brand, age_years,
  age_bucket, vintage, abv, price_minor, currency, price_bucket, release_date, limited, rating,
  rating_count, created_at)
SELECT spirit_id, status, type, country, region, distillery, brand, age_years, age_bucket, vintage, abv,
  price_minor, currency, price_bucket, release_date, limited, rating, rating_count, created_at
FROM search_document_source ORDER BY created_at, spirit_id;
--> statement-breakpoint
INSERT OR IGNORE INTO search_terms (facet, value, doc_id)
SELECT src.facet, src.value, d.doc_id FROM search_term_source src
JOIN search_documents d ON d.spirit_id = src.spirit_id WHERE src.value IS NOT NULL;
--> statement-breakpoint
-- Not the 'rebuild' command: FTS5 reads content for it in a mode that refuses json_each in the view.
INSERT INTO spirits_fts (rowid, name, distillery, brand, facts, awards, tags, notes, description)
SELECT doc_id, name, distillery, brand, facts, awards, tags, notes, description FROM search_text;
