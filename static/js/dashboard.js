// Dashboards (templates/assessment/dashboard.html): draws the charts with the vendored ECharts.
// The numbers arrive in a JSON island (<script type="application/json" id="dashboard-data">),
// so the page needs no inline script (CSP script-src 'self'). Each chart has an HTML table
// under it; without JavaScript the chart boxes stay hidden and the tables carry the data.
(() => {
  "use strict";
  const source = document.getElementById("dashboard-data");
  if (!source || typeof window.echarts === "undefined") {
    return;
  }
  const echarts = window.echarts;
  const data = JSON.parse(source.textContent);
  const labels = data.labels;
  const escape = echarts.format.encodeHTML;
  const reduceMotion = window.matchMedia("(prefers-reduced-motion: reduce)").matches;
  const font = window.getComputedStyle(document.body).fontFamily;
  // Tier and status colours from app.css, so charts and badges read alike.
  const PALETTE = ["#b71c1c", "#1d4ed8", "#1e6b52", "#c2410c", "#6b4f2a", "#37474f", "#6d1a1a"];
  const GRADE_COLORS = {
    good: "#1e6b52",
    fairly_good: "#1d4ed8",
    average: "#8a5a00",
    poor: "#b71c1c",
  };
  const GREEN = "#1e6b52";
  const AMBER = "#d19a00";
  const RED = "#b71c1c";
  const BAR_HEIGHT = 28;
  const UNITS_VISIBLE = data.unitsVisible;

  const go = (url) => {
    if (url) {
      window.location.assign(url);
    }
  };
  const two = (value) => Number(value).toFixed(2);

  // `option` is an object, or a function of the chart's width (for label room on phones).
  function mount(name, height, option, onClick) {
    const element = document.querySelector(`[data-chart="${name}"]`);
    if (!element) {
      return;
    }
    element.hidden = false;
    element.style.height = `${height}px`;
    const chart = echarts.init(element, null, { renderer: "canvas", locale: "ZH" });
    chart.setOption({
      animation: !reduceMotion,
      color: PALETTE,
      textStyle: { fontFamily: font },
      ...(typeof option === "function" ? option(element.clientWidth) : option),
    });
    if (onClick) {
      chart.on("click", onClick);
    }
    new ResizeObserver(() => chart.resize()).observe(element);
  }

  // (a) Score distribution per tier: one series per tier, as a share of the tier's organisations
  // so a tier of thirty reads beside one of three thousand (the counts are in the tooltip and
  // the table); a bar opens that tier's results.
  const distribution = data.distribution;
  mount(
    "distribution",
    320,
    {
      tooltip: {
        trigger: "axis",
        axisPointer: { type: "shadow" },
        formatter: (items) =>
          [escape(items[0].axisValue)]
            .concat(
              items.map((item) => {
                const series = distribution.series[item.seriesIndex];
                const count = series.counts[item.dataIndex];
                return `${item.marker}${escape(series.name)}：${count}（${item.value}%）`;
              }),
            )
            .join("<br>"),
      },
      legend: { top: 0, type: "scroll" },
      grid: { left: 8, right: 8, top: 40, bottom: 8 },
      xAxis: {
        type: "category",
        data: distribution.buckets,
        name: labels.composite,
        nameLocation: "middle",
        nameGap: 28,
      },
      yAxis: { type: "value", max: 100, axisLabel: { formatter: "{value}%" } },
      series: distribution.series.map((series) => ({
        name: series.name,
        type: "bar",
        data: series.data,
        barMaxWidth: 28,
        emphasis: { focus: "series" },
      })),
    },
    (params) => go(distribution.series[params.seriesIndex]?.url),
  );

  // (b) Completion by month of period end: stacked on time / late / overdue; opens progress.
  const completion = data.completion;
  const stacked = (name, values, color) => ({
    name,
    type: "bar",
    stack: "obligations",
    data: values,
    itemStyle: { color },
    barMaxWidth: 32,
    emphasis: { focus: "series" },
  });
  mount(
    "completion",
    320,
    {
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
      legend: { top: 0 },
      grid: { left: 8, right: 8, top: 40, bottom: 8 },
      xAxis: { type: "category", data: completion.months },
      yAxis: { type: "value", minInterval: 1 },
      series: [
        stacked(labels.onTime, completion.onTime, GREEN),
        stacked(labels.late, completion.late, AMBER),
        stacked(labels.overdue, completion.overdue, RED),
      ],
    },
    () => go(completion.url),
  );

  // Horizontal bars of organisations or units, best on top; a bar opens its page.
  function bars(rows, { colorOf, nameOf, tooltip, zoom = false }) {
    const scrolls = zoom && rows.length > UNITS_VISIBLE;
    const visible = scrolls ? UNITS_VISIBLE : rows.length;
    const option = (width) => ({
      tooltip: {
        trigger: "item",
        formatter: (params) => tooltip(rows[params.dataIndex]),
      },
      // Room on the right for the value labels (and the zoom slider).
      grid: { left: 8, right: scrolls ? 72 : 48, top: 8, bottom: 24 },
      xAxis: {
        type: "value",
        min: 0,
        max: 100,
        name: labels.composite,
        nameLocation: "middle",
        nameGap: 24,
      },
      yAxis: {
        type: "category",
        inverse: true,
        data: rows.map(nameOf),
        axisLabel: { width: Math.min(160, Math.round(width * 0.38)), overflow: "truncate" },
        axisTick: { show: false },
      },
      series: [
        {
          type: "bar",
          data: rows.map((row) => ({ value: row.value, itemStyle: { color: colorOf(row) } })),
          barMaxWidth: 18,
          label: { show: true, position: "right", formatter: (params) => two(params.value) },
        },
      ],
      // A slider only: wheel or touch panning inside the chart would trap the page's scrolling.
      dataZoom: scrolls
        ? [
            {
              type: "slider",
              yAxisIndex: 0,
              right: 8,
              width: 20,
              startValue: 0,
              endValue: UNITS_VISIBLE - 1,
              showDetail: false,
              brushSelect: false,
            },
          ]
        : [],
    });
    return { option, height: visible * BAR_HEIGHT + 56 };
  }

  const organisationTip = (row) =>
    [
      escape(labels.position.replace("%(n)s", row.position)),
      `<b>${escape(row.name)}</b>`,
      ...(row.unit ? [escape(row.unit)] : []),
      `${escape(labels.composite)}：${two(row.value)} · ${escape(row.grade)}`,
    ].join("<br>");

  // (c) Ranking: top and bottom organisations by composite.
  // Bars take their grade's colour, as the grade badges do.
  for (const name of ["top", "bottom"]) {
    const rows = data[name];
    if (rows.length) {
      const chart = bars(rows, {
        colorOf: (row) => GRADE_COLORS[row.gradeKey] || "#5c6670",
        nameOf: (row) => `${row.position}. ${row.name}`,
        tooltip: organisationTip,
      });
      mount(name, chart.height, chart.option, (params) => go(rows[params.dataIndex]?.url));
    }
  }

  // (d) Units compared: average composite per unit; a bar opens the unit's results.
  const units = data.units;
  if (units.length) {
    const chart = bars(units, {
      colorOf: () => "#37474f",
      nameOf: (row) => row.name,
      tooltip: (row) =>
        [
          `<b>${escape(row.name)}</b>`,
          `${escape(labels.average)}：${two(row.value)}`,
          `${escape(labels.count)}：${row.count}`,
        ].join("<br>"),
      zoom: true,
    });
    mount("units", chart.height, chart.option, (params) => go(units[params.dataIndex]?.url));
  }
})();
