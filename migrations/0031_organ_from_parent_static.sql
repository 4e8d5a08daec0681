-- organ_from_parent without dynamic SQL for the keys and parents in use. The first version ran two EXECUTEs
-- per inserted row (read the key out of NEW, look up the parent's organ): each is parsed and planned anew,
-- ~0.2 ms a row on the shared 2-core machine — 225 ms of a 570 ms alert run that inserted 1,260 notices
-- (EXPLAIN ANALYZE, trigger time). Static statements in PL/pgSQL keep their plans for the session. Same
-- arguments, same order of trial, same error for a parent the bound session cannot see; unknown keys or
-- parents still go through EXECUTE.
CREATE OR REPLACE FUNCTION organ_from_parent() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
	v_i integer := 0;
	v_ref bigint;
	v_organ integer;
BEGIN
	WHILE v_i < TG_NARGS LOOP
		CASE TG_ARGV[v_i + 1]
			WHEN 'case_id' THEN v_ref := NEW.case_id;
			WHEN 'user_id' THEN v_ref := NEW.user_id;
			WHEN 'lawsuit_id' THEN v_ref := NEW.lawsuit_id;
			WHEN 'registered_by' THEN v_ref := NEW.registered_by;
			WHEN 'published_by' THEN v_ref := NEW.published_by;
			ELSE EXECUTE format('SELECT ($1).%I::bigint', TG_ARGV[v_i + 1]) INTO v_ref USING NEW;
		END CASE;
		IF v_ref IS NOT NULL THEN
			CASE TG_ARGV[v_i]
				WHEN 'cases' THEN SELECT c.organ_id INTO v_organ FROM cases c WHERE c.id = v_ref;
				WHEN 'users' THEN SELECT u.organ_id INTO v_organ FROM users u WHERE u.id = v_ref;
				WHEN 'lawsuits' THEN SELECT l.organ_id INTO v_organ FROM lawsuits l WHERE l.id = v_ref;
				ELSE EXECUTE format('SELECT organ_id FROM %I WHERE id = $1', TG_ARGV[v_i]) INTO v_organ USING v_ref;
			END CASE;
			IF v_organ IS NULL THEN
				RAISE EXCEPTION 'insert or update on table "%" violates foreign key constraint "%_%_fkey"',
						TG_TABLE_NAME, TG_TABLE_NAME, TG_ARGV[v_i + 1]
					USING ERRCODE = 'foreign_key_violation', CONSTRAINT = TG_TABLE_NAME || '_' || TG_ARGV[v_i + 1] || '_fkey',
						DETAIL = format('Key (%s)=(%s) is not present in table "%s" of this organ.', TG_ARGV[v_i + 1], v_ref, TG_ARGV[v_i]);
			END IF;
			NEW.organ_id := v_organ;
			RETURN NEW;
		END IF;
		v_i := v_i + 2;
	END LOOP;
	RETURN NEW;
END $$;
