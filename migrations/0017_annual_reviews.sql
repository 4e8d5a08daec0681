-- The yearly 应诉 review (考核考评): the weights a bureau sets per figure, and the published reviews, frozen.
CREATE TABLE review_weights (
	key    text PRIMARY KEY CHECK (key IN ('head_appearance', 'loss', 'loss_after_review', 'answer_on_time', 'suggestion_reply',
		'performance', 'observation')),
	weight numeric(5, 1) NOT NULL CHECK (weight >= 0 AND weight <= 100)
);
INSERT INTO review_weights (key, weight) VALUES ('head_appearance', 25), ('loss', 20), ('loss_after_review', 15),
	('answer_on_time', 10), ('suggestion_reply', 10), ('performance', 15), ('observation', 5);

-- A published review: the figures, weights and scores as published, and the PDF and XLSX exactly as issued.
CREATE TABLE annual_reviews (
	year         integer PRIMARY KEY CHECK (year BETWEEN 2000 AND 2100),
	snapshot     jsonb NOT NULL,
	pdf          bytea NOT NULL,
	xlsx         bytea NOT NULL,
	published_by bigint NOT NULL REFERENCES users (id),
	published_at timestamptz NOT NULL DEFAULT now()
);

-- a published review never changes
CREATE FUNCTION annual_reviews_frozen() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	RAISE EXCEPTION 'annual review % is published and cannot change', OLD.year USING ERRCODE = 'integrity_constraint_violation';
END $$;
CREATE TRIGGER annual_reviews_frozen BEFORE UPDATE OR DELETE ON annual_reviews FOR EACH ROW EXECUTE FUNCTION annual_reviews_frozen();
