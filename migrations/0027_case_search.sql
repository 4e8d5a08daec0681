-- Staff case search through an index: each case carries the lexemes of its identifiers and names
-- (登记号, 案号, the contested act's 文号 and title, the respondent, the parties' names, ID numbers and credit
-- codes), Han text as every character and every pair of characters, Latin letters and digits as lower-case
-- words, as the public search does (internal/textsearch). A query needs all its pairs (one character: the
-- character; words: as prefixes), so an exact substring of Han text is found through the GIN index.
CREATE FUNCTION search_tokens(doc text) RETURNS tsvector LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
	SELECT coalesce(array_to_tsvector(array_agg(DISTINCT t)), ''::tsvector) FROM (
		SELECT lower(m[1]) AS t FROM regexp_matches(coalesce(doc, ''), '([A-Za-z0-9]+)', 'g') AS m
		UNION ALL
		SELECT substr(h[1], i, 1) FROM regexp_matches(coalesce(doc, ''), '([㐀-䶿一-鿿]+)', 'g') AS h,
			generate_series(1, char_length(h[1])) AS i
		UNION ALL
		SELECT substr(h[1], i, 2) FROM regexp_matches(coalesce(doc, ''), '([㐀-䶿一-鿿]+)', 'g') AS h,
			generate_series(1, char_length(h[1]) - 1) AS i
	) x
$$;

-- search_query is the query of a search text (all terms required), NULL when it has none.
CREATE FUNCTION search_query(q text) RETURNS tsquery LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
	SELECT string_agg(term, ' & ')::tsquery FROM (
		SELECT term FROM (
			SELECT '''' || lower(m[1]) || ''':*' AS term FROM regexp_matches(coalesce(q, ''), '([A-Za-z0-9]+)', 'g') AS m
			UNION ALL
			SELECT '''' || h[1] || '''' FROM regexp_matches(coalesce(q, ''), '([㐀-䶿一-鿿]+)', 'g') AS h WHERE char_length(h[1]) = 1
			UNION ALL
			SELECT '''' || substr(h[1], i, 2) || '''' FROM regexp_matches(coalesce(q, ''), '([㐀-䶿一-鿿]+)', 'g') AS h,
				generate_series(1, char_length(h[1]) - 1) AS i
		) t LIMIT 64
	) x
$$;

-- case_search_doc is the searchable text of a case as it is stored now.
CREATE FUNCTION case_search_doc(id bigint) RETURNS text LANGUAGE sql STABLE AS $$
	SELECT concat_ws(' ', c.registration_no, c.case_no, c.act_doc_no, c.act_title, a.name,
		(SELECT string_agg(concat_ws(' ', p.name, p.id_number, p.credit_code), ' ') FROM case_parties p WHERE p.case_id = c.id))
	FROM cases c JOIN agencies a ON a.id = c.respondent_agency_id WHERE c.id = $1
$$;

ALTER TABLE cases ADD COLUMN search tsvector NOT NULL DEFAULT ''::tsvector;
UPDATE cases SET search = search_tokens(case_search_doc(id));
CREATE INDEX cases_search ON cases USING gin (search);
-- the case list pages by received date or id under any filter (keyset: (received_on, id))
CREATE INDEX cases_received_id ON cases (received_on DESC, id DESC);
