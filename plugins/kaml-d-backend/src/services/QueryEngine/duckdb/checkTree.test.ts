import { checkStatement } from './checkTree';
import { functionPolicy } from './functionPolicy';
import { parseSql, withParser } from './parseTree';

const DATASETS = new Set(['t', 't1', 't2', 't3', 't4']);

async function check(sql: string) {
  const functions = await functionPolicy();
  await withParser(async connection => {
    const parsed = await parseSql(connection, sql);
    expect(parsed.statements).toHaveLength(1);
    checkStatement(parsed.statements[0], DATASETS, functions);
  });
}

describe('checkStatement', () => {
  it.each([
    [
      'select sum(a) over (partition by c order by b desc nulls first rows between unbounded preceding and current row), x from t order by 1 asc',
    ],
    ['select distinct a from t limit 5 offset 1'],
    ['select distinct on (a) a from t'],
    ['select * from t using sample 10 percent (bernoulli)'],
    ['select * from t tablesample reservoir(5 rows) repeatable (1)'],
    [
      'select cast(a as decimal(10,2)), a::struct(x int, y varchar), a::int[], a::map(int,int), a::union(a int, b varchar), a::enum_t from t',
    ],
    ['select * from t order by a limit 10%'],
    ["select * from (values (1,'a'),(2,'b')) v(x,y)"],
    ["select * from t pivot (sum(a) for b in ('x','y'))"],
    ['select * from t unpivot (v for n in (a,b))'],
    [
      'with recursive r as (select 1 n union all select n+1 from r where n<3) select * from r',
    ],
    ['select a from t1 except select a from t2 intersect select 1'],
    ['select * from t1 natural join t2'],
    [
      'select * from t1 left join t2 using (a) full outer join t3 on true cross join t4',
    ],
    ['select * from t1 asof left join t2 on t1.a >= t2.a'],
    ['select * from (describe select 1)'],
    ['select * from (summarize select 1)'],
    ['select a, grouping(a) from t group by cube(a)'],
    ['select list(a order by b) filter (where a>1) from t'],
    [
      "select {'a': 1}.a, [1,2,3][1:2], 'x' || 'y', a ilike 'x%', a similar to 'x', a glob 'x*', a not in (select 1), a = any(select 1), not exists(select 1)",
    ],
    ['select * exclude (a) replace (b+1 as b) from t'],
    ["select columns('a.*') from t"],
    ['select a, count(*) from t group by all order by all'],
    [
      'select try_cast(a as int), try(a+1), if(a,1,2), ifnull(a,1), nullif(a,1), coalesce(a,b), greatest(a,b)',
    ],
    ["select unnest([1,2]), unnest({'a':1}, recursive := true)"],
    ['select [x+1 for x in [1,2] if x>1]'],
    [
      "select interval '1 day', timestamp '2020-01-01', date_trunc('day', now()), a at time zone 'UTC' from t",
    ],
    ['select * from t where a between 1 and 2 and b is null and c is not true'],
    ["select case a when 1 then 'x' end from t"],
    ['select * from t1, lateral (select * from t2 where t2.a=t1.a)'],
    ['select a collate nocase from t order by a collate de'],
    ["select count(distinct a), string_agg(a, ',' order by a) from t"],
    ['select #1 from t'],
    ['select * from generate_series(1, 10, 2) g(x), range(5), unnest([1])'],
    ['select 1 from t having count(*) > 0'],
    ['from t select a where a > 1'],
    ['select * from t order by random() limit 1'],
    ['select a.* from t a'],
    ['select t.* exclude(x) from t'],
    ['select * from t1 positional join t2'],
    ['select * from t1 semi join t2 on t1.a=t2.a anti join t3 on true'],
    ["select map_from_entries([('a',1)]), struct_pack(a:=1), row(1,2)"],
    ["select $$x$$, e'\\n', '\\x', x'ab', b'01'"],
    ['select * from t qualify row_number() over (order by a) = 1'],
  ])('lets an ordinary query through: %s', async sql => {
    await expect(check(sql)).resolves.toBeUndefined();
  });

  it.each([
    [
      'select * from t where a in (select * from duckdb_tables)',
      /duckdb_tables/,
    ],
    ["select (select current_setting('threads'))", /current_setting/],
    ["select list_transform([1], x -> getvariable('a'))", /getvariable/],
    [
      'select * from t order by (select count(*) from duckdb_settings())',
      /duckdb_settings/,
    ],
    ['select pg_catalog.pg_get_viewdef(1)', /pg_catalog/],
    ['select system.main.version()', /system/],
    ['select * from t1 join main.t2 on true', /catalog name only/],
    ['select $1 from t', /Parameters/],
    ['select * from (show tables)', /SHOW/],
    ['select * from t at (version => 1)', /AT/],
    [
      'with x as (select 1) select * from (with y as (select 1) select 1), y',
      /"y" is not a dataset/,
    ],
    ["select * from read_parquet(['a'])", /read_parquet/],
    ["select * from query('select 1')", /query/],
    ["select json_serialize_plan('select 1')", /json_serialize_plan/],
  ])('refuses %s', async (sql, message) => {
    await expect(check(sql)).rejects.toThrow(message);
  });
});
