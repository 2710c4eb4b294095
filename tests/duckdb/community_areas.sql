-- Chicago's community-area level written by DuckDB from the same raw files `equimap prep` reads
-- (../shared/data/chicago/indicators), to show the region format is Parquet, not our program:
-- tests/regions.rs checks this file with `region check` and analyses a real export on it.
-- Run by write.py; its output is committed as community_area.parquet.
COPY (
  SELECT
    CAST(c.community_id AS VARCHAR)                         AS code,
    c.community_area_name                                   AS name,
    CAST(c.TOT_POP AS DOUBLE)                               AS population,
    CAST(c.A5_19 AS DOUBLE)                                 AS youth_5_19,
    CAST(c.UND5 AS DOUBLE)                                  AS under_5,
    CAST(c.TOT_HH AS DOUBLE)                                AS households,
    CAST(c.MEDINC AS DOUBLE)                                AS median_household_income,
    CAST(c.INCPERCAP AS DOUBLE)                             AS per_capita_income,
    c.WHITE / NULLIF(c.TOT_POP, 0)                          AS white_share,
    c.HISP / NULLIF(c.TOT_POP, 0)                           AS hispanic_share,
    c.BLACK / NULLIF(c.TOT_POP, 0)                          AS black_share,
    c.ASIAN / NULLIF(c.TOT_POP, 0)                          AS asian_share,
    c.OTHER / NULLIF(c.TOT_POP, 0)                          AS other_share,
    CAST(s."HARDSHIP INDEX" AS DOUBLE)                      AS hardship_index,
    CAST(s."PERCENT HOUSEHOLDS BELOW POVERTY" AS DOUBLE)    AS pct_households_below_poverty
  FROM read_csv('{shared}/chicago/indicators/cmap_cds_2016_2020.csv', header = true) AS c
  LEFT JOIN read_csv('{shared}/chicago/indicators/socioeconomic_2008_2012.csv', header = true) AS s
    ON s."Community Area" = c.community_id
  ORDER BY c.community_id
) TO '{out}' (FORMAT parquet, COMPRESSION zstd);
