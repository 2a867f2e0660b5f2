from decimal import Decimal

from collaborations.dashboards import charts


def test_it_rounds_axis_maximum_up_to_a_nice_number():
    assert [charts.nice_scale(v) for v in (0, 1, 3, 7, 11, 26, 48, 51, 260)] == [
        (1, 1), (1, 1), (3, 1), (8, 2), (15, 5), (30, 10), (60, 20), (60, 20), (300, 100)]
    assert charts.ticks(30, 10) == [0, 10, 20, 30]   # not 0/13/26/39 for a maximum of 26
    assert charts.ticks(8, 2) == [0, 2, 4, 6, 8]


def test_it_stacks_columns_in_proportion():
    chart = charts.stacked_columns([("30.06.2024", {"green": 5, "amber": 3, "red": 2}),
                                    ("31.12.2024", {"green": 1, "amber": 0, "red": 0})], height=236)
    assert chart.maximum == 10
    plot_h = chart.plot_bottom - chart.plot_top
    first = chart.columns[0]
    assert [s.key for s in first.segments] == ["green", "amber", "red"]
    assert sum(s.height for s in first.segments) == plot_h
    assert first.segments[0].y + first.segments[0].height == chart.plot_bottom   # green at the bottom
    assert first.segments[2].y == chart.plot_top
    assert chart.columns[1].segments[1].height == 0
    assert first.total == 10 and first.x < chart.columns[1].x


def test_it_handles_an_empty_trend():
    chart = charts.stacked_columns([("Nå", {"green": 0, "amber": 0, "red": 0})])
    assert chart.maximum == 1 and chart.columns[0].segments[0].height == 0


def test_it_scales_horizontal_bars_to_the_largest():
    chart = charts.horizontal_bars([("Lyngen", Decimal("6.5"), "/a"), ("Kåfjord", Decimal("3.25"), "/b"),
                                    ("Storfjord", Decimal(0), "")], width=640, label_width=150)
    widths = [b.width for b in chart.bars]
    assert widths[0] == 640 - 150 - 70 and widths[1] == widths[0] / 2 and widths[2] == 0
    assert chart.bars[1].y > chart.bars[0].y and chart.height >= 3 * chart.bar_height


def test_it_spreads_dots_in_the_same_cell_so_none_hides_another():
    items = [{"key": i, "label": f"T{i}", "number": i + 1, "x": 5, "y": 5} for i in range(3)]
    items.append({"key": 9, "label": "Topp", "number": 4, "x": 10, "y": 10})
    chart = charts.scatter(items, size=420)
    positions = {(d.cx, d.cy) for d in chart.dots}
    assert len(positions) == 4
    top = next(d for d in chart.dots if d.key == 9)
    low = next(d for d in chart.dots if d.key == 0)
    assert top.cx > low.cx and top.cy < low.cy      # right and up
    assert [d.number for d in chart.dots] == [1, 2, 3, 4]
    assert chart.axis_x[0][0] == 1 and chart.axis_y[-1][0] == 10 and chart.axis_y[-1][1] < chart.axis_y[0][1]


def test_stacked_bars_split_each_row_by_light_and_scale_to_the_longest():
    chart = charts.stacked_bars([("Strategi 1: Stabstjenester", {"green": 3, "amber": 1}),
                                 ("Strategi 2: " + "x" * 60, {"red": 2})], width=630, label_width=230,
                                key_labels={"green": "I rute", "amber": "Risiko", "red": "Ikke i rute"})
    first, second = chart.bars
    assert [(s.key, s.value) for s in first.segments] == [("green", 3), ("amber", 1)]
    assert first.segments[0].width + first.segments[1].width == 390.0     # the longest bar fills the plot
    assert second.segments[0].width == 195.0 and second.segments[0].fill == charts.LIGHT_FILL["red"]
    assert second.label.endswith("…") and len(second.label) == 38
    assert [(key, label) for key, _x, _fill, label in chart.legend] == [
        ("green", "I rute"), ("amber", "Risiko"), ("red", "Ikke i rute")]
