SELECT
    id_number AS subject,
    id_number,
    payee_name AS name,
    program,
    township,
    village,
    period,
    amount,
    lineage(),
    program_name AS fact_program_name,
    id_number AS fact_id_number,
    CASE WHEN NOT coalesce(checksum_ok, TRUE) THEN '校验位错误，不是有效的公民身份号码'
         ELSE '在户籍人口信息中查无此人' END AS fact_reason_zh,
    CASE WHEN NOT coalesce(checksum_ok, TRUE) THEN 0.95 ELSE 0.8 END AS fact_strength
FROM paid
WHERE NOT registered OR NOT coalesce(checksum_ok, TRUE)
