-- balances_before
SELECT r.aid, CAST(a.opening + coalesce(i.s, 0) - coalesce(o.s, 0) AS BIGINT) AS balance FROM q_reach r JOIN accounts a ON a.aid = r.aid LEFT JOIN (SELECT l.dst AS aid, sum(l.amount) AS s FROM ledger l JOIN q_reach r ON l.dst = r.aid WHERE l.pos < r.pos GROUP BY l.dst) i ON i.aid = r.aid LEFT JOIN (SELECT l.src AS aid, sum(l.amount) AS s FROM ledger l JOIN q_reach r ON l.src = r.aid WHERE l.pos < r.pos GROUP BY l.src) o ON o.aid = r.aid;

-- count
SELECT count(*) FROM ledger;

-- device_accounts
SELECT DISTINCT device, src AS aid FROM ledger WHERE device IS NOT NULL ORDER BY device, aid;

-- expand
SELECT l.dst AS aid, min(l.pos) AS pos FROM ledger l JOIN q_frontier f ON l.src = f.aid WHERE l.pos > f.pos AND l.pos <= ? AND NOT l.terminal GROUP BY l.dst;

-- features
WITH ev AS (SELECT src AS aid, pos, t, amount, false AS inflow, dst AS other, channel FROM ledger UNION ALL SELECT dst AS aid, pos, t, amount, true AS inflow, src AS other, channel FROM ledger), ordered AS (SELECT *, max(CASE WHEN inflow THEN t END) OVER (PARTITION BY aid ORDER BY pos ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS last_in FROM ev), agg AS (SELECT aid, count(*) FILTER (WHERE inflow) AS n_in, count(*) FILTER (WHERE NOT inflow) AS n_out, coalesce(sum(amount) FILTER (WHERE inflow), 0) AS in_fen, coalesce(sum(amount) FILTER (WHERE NOT inflow), 0) AS out_fen, count(DISTINCT other) FILTER (WHERE inflow) AS payers, count(DISTINCT other) FILTER (WHERE NOT inflow) AS payees, min(t) AS first_t, max(t) AS last_t, coalesce(sum(amount) FILTER (WHERE NOT inflow AND channel IN ('cash_withdrawal', 'pos')), 0) AS cash_out_fen, coalesce(sum(amount) FILTER (WHERE NOT inflow AND t - last_in <= ?), 0) AS quick_out_fen FROM ordered GROUP BY aid), dev AS (SELECT DISTINCT l.device, l.src AS aid, coalesce(a.owner_id, a.account_id) AS who FROM ledger l JOIN accounts a ON a.aid = l.src WHERE l.device IS NOT NULL), peers AS (SELECT device, count(DISTINCT who) - 1 AS peers FROM dev GROUP BY device), devagg AS (SELECT d.aid, count(DISTINCT d.device) AS devices, max(p.peers) AS device_peers FROM dev d JOIN peers p USING (device) GROUP BY d.aid) SELECT agg.aid, n_in, n_out, CAST(in_fen AS BIGINT) AS in_fen, CAST(out_fen AS BIGINT) AS out_fen, payers, payees, first_t, last_t, CAST(cash_out_fen AS BIGINT) AS cash_out_fen, CAST(quick_out_fen AS BIGINT) AS quick_out_fen, coalesce(devices, 0) AS devices, coalesce(device_peers, 0) AS device_peers FROM agg LEFT JOIN devagg USING (aid) ORDER BY agg.aid;

-- last_pos
SELECT coalesce(max(pos), -1) FROM ledger WHERE t <= ?;

-- lookup
SELECT l.transfer_id, l.pos, l.src, l.dst, l.amount, l.t, l.terminal FROM ledger l JOIN q_ids i ON l.transfer_id = i.id;

-- outgoing
SELECT pos, src, dst, amount, t, terminal FROM ledger WHERE src = ? AND t >= ? AND t <= ? ORDER BY pos;

-- touching
SELECT l.pos, l.src, l.dst, l.amount, l.t, l.terminal FROM ledger l JOIN q_reach r ON l.src = r.aid WHERE l.pos > r.pos AND l.pos <= ? UNION SELECT l.pos, l.src, l.dst, l.amount, l.t, l.terminal FROM ledger l JOIN q_reach r ON l.dst = r.aid WHERE l.pos >= r.pos AND l.pos <= ? ORDER BY pos;

