"""Tests of the network format, its validation messages, the compiled arrays and the default."""

from __future__ import annotations

import copy
import pickle
import re
from pathlib import Path
from typing import Any

import networkx as nx
import numpy as np
import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from borderflow.errors import BorderflowError, NetworkError
from borderflow.network import (
    CROSSING_TYPES,
    NODE_KINDS,
    CompiledNetwork,
    Network,
    load_network,
)

# -- a small valid network, built as a dict -------------------------------------------


def _node(node_id: str, kind: str, **extra: Any) -> dict[str, Any]:
    return {
        "id": node_id,
        "kind": kind,
        "name": node_id.title(),
        "lat": 30.0,
        "lon": -100.0,
        **extra,
    }


def _arc(tail: str, head: str, **extra: Any) -> dict[str, Any]:
    return {
        "from": tail,
        "to": head,
        "capacity_kg_per_month": 100.0,
        "cost_usd_per_kg": 10.0,
        "detection": 0.05,
        "interdiction_cost_usd": 1e6,
        **extra,
    }


def small() -> dict[str, Any]:
    """Two sources, two ports of entry, two markets; a diamond in the middle."""
    return {
        "name": "small",
        "nodes": [
            _node("cn", "precursor_source"),
            _node("in", "precursor_source"),
            _node("port", "port"),
            _node("lab", "lab_region"),
            _node("tj", "staging"),
            _node("poe", "crossing", crossing_type="port_of_entry", field_office="San Diego"),
            _node("sector", "crossing", crossing_type="between_ports", sector="San Diego"),
            _node("hub", "us_hub"),
            _node("west", "market"),
            _node("south", "market"),
        ],
        "arcs": [
            _arc("cn", "port"),
            _arc("in", "port"),
            _arc("port", "lab"),
            _arc("lab", "tj"),
            _arc("tj", "poe"),
            _arc("tj", "sector"),
            _arc("poe", "hub"),
            _arc("sector", "hub"),
            _arc("hub", "west"),
            _arc("hub", "south"),
        ],
        "od_weights": [{"source": "cn", "sink": "west", "weight": 1.0}],
    }


def _find(items: list[dict[str, Any]], **match: Any) -> dict[str, Any]:
    return next(x for x in items if all(x.get(k) == v for k, v in match.items()))


def _raises(data: Any, text: str) -> NetworkError:
    with pytest.raises(NetworkError) as info:
        Network.from_dict(data, source="net.yaml")
    message = str(info.value)
    assert text in message, message
    assert message.startswith("net.yaml: "), message
    assert "\n" not in message
    return info.value


# -- the default network --------------------------------------------------------------

EXPECTED_IDS = {
    "precursor_source": {"china", "india"},
    "port": {"manzanillo", "lazaro_cardenas", "mexico_city_air_cargo"},
    "lab_region": {"sinaloa", "jalisco", "sonora", "michoacan"},
    "staging": {
        "tijuana",
        "mexicali",
        "san_luis_rio_colorado",
        "nogales_sonora",
        "ciudad_juarez",
        "nuevo_laredo",
        "reynosa",
    },
    "crossing": {
        "san_ysidro",
        "otay_mesa",
        "calexico",
        "san_luis_az",
        "nogales_az",
        "el_paso_poe",
        "laredo_poe",
        "hidalgo_pharr",
        "san_diego_sector",
        "el_centro_sector",
        "yuma_sector",
        "tucson_sector",
        "el_paso_sector",
        "laredo_sector",
        "rio_grande_valley_sector",
        "jfk_mail_facility",
    },
    "us_hub": {
        "los_angeles",
        "phoenix",
        "el_paso_hub",
        "dallas_houston",
        "chicago",
        "atlanta",
        "new_york",
    },
    "market": {"west", "midwest", "south", "northeast"},
}


@pytest.fixture(scope="module")
def default() -> Network:
    return load_network()


@pytest.fixture(scope="module")
def compiled(default: Network) -> CompiledNetwork:
    return default.compile()


def test_default_loads_with_exactly_the_expected_nodes(default: Network) -> None:
    for kind in NODE_KINDS:
        assert {n.id for n in default.nodes_of_kind(kind)} == EXPECTED_IDS[kind], kind
    assert len(default.nodes) == 43
    assert len(default.arcs) == 91
    assert default.source == "borderflow/network/default.yaml"


def test_default_crossing_types(default: Network) -> None:
    by_type = {t: {n.id for n in default.nodes if n.crossing_type == t} for t in CROSSING_TYPES}
    assert by_type["international_mail"] == {"jfk_mail_facility"}
    assert by_type["between_ports"] == {
        i for i in EXPECTED_IDS["crossing"] if i.endswith("_sector")
    }
    assert len(by_type["port_of_entry"]) == 8
    for node in default.nodes:
        if node.crossing_type == "port_of_entry":
            assert node.attrs["field_office"] in {"San Diego", "Tucson", "El Paso", "Laredo"}
        if node.crossing_type == "between_ports":
            assert isinstance(node.attrs["sector"], str)


def test_default_coordinates_are_plausible(default: Network) -> None:
    for node in default.nodes:
        if node.kind in {"precursor_source"}:
            assert node.lon > 60, node.id  # Asia
        elif node.kind in {"port", "lab_region"}:
            assert 14 < node.lat < 33 and -118 < node.lon < -86, node.id  # Mexico
        else:
            assert 24 < node.lat < 50 and -125 < node.lon < -66, node.id  # border and US


def test_default_structure(default: Network) -> None:
    g = default.graph()
    assert nx.is_directed_acyclic_graph(g)
    labs = EXPECTED_IDS["lab_region"]
    for staging in EXPECTED_IDS["staging"]:
        assert len(set(g.predecessors(staging)) & labs) >= 2, staging
        kinds = {g.nodes[x]["crossing_type"] for x in g.successors(staging)}
        assert kinds == {"port_of_entry", "between_ports"}, staging
    assert set(g.successors("tijuana")) >= {"san_ysidro", "otay_mesa"}
    mail = default.arc("china", "jfk_mail_facility")
    assert mail.finished_fentanyl is True
    assert [a.key for a in default.arcs if a.finished_fentanyl] == [("china", "jfk_mail_facility")]
    assert {(o.source, o.sink) for o in default.od_weights} == {
        (s, m) for s in EXPECTED_IDS["precursor_source"] for m in EXPECTED_IDS["market"]
    }


def test_default_numbers_follow_the_stated_ranges(default: Network) -> None:
    kind = {n.id: n.kind for n in default.nodes}
    ctype = {n.id: n.crossing_type for n in default.nodes}
    for arc in default.arcs:
        stage = (kind[arc.tail], kind[arc.head])
        c, d = arc.cost_usd_per_kg, arc.detection
        assert arc.capacity_kg_per_month >= 200
        if stage == ("precursor_source", "port"):
            assert 300 <= c <= 800 and 0.02 <= d <= 0.05
        elif stage == ("port", "lab_region"):
            assert 200 <= c <= 500 and 0.005 <= d <= 0.015
        elif stage == ("lab_region", "staging"):
            assert 500 <= c <= 1500 and 0.01 <= d <= 0.02
        elif stage == ("staging", "crossing") and ctype[arc.head] == "port_of_entry":
            assert 3000 <= c <= 6000 and 0.04 <= d <= 0.08
            assert 1000 <= arc.capacity_kg_per_month <= 4000
            assert 50e6 <= arc.interdiction_cost_usd <= 300e6
        elif stage == ("staging", "crossing"):
            assert 8000 <= c <= 14000 and 0.03 <= d <= 0.06
            assert 200 <= arc.capacity_kg_per_month <= 800
            assert 20e6 <= arc.interdiction_cost_usd <= 100e6
        elif stage == ("precursor_source", "crossing"):
            assert 3000 <= c <= 5000 and d == pytest.approx(0.03)
        elif stage == ("crossing", "us_hub"):
            assert 500 <= c <= 2000 and 0.005 <= d <= 0.01
        elif stage == ("us_hub", "us_hub"):
            assert 500 <= c <= 1500 and d == pytest.approx(0.005)
        elif stage == ("us_hub", "market"):
            assert 1000 <= c <= 3000 and d == pytest.approx(0.005)
        else:
            pytest.fail(f"unexpected stage {stage} on {arc.label}")
    # the busiest ports of entry are the cheapest
    poe_cost = {a.head: a.cost_usd_per_kg for a in default.arcs if ctype[a.head] == "port_of_entry"}
    cheapest = sorted(poe_cost, key=poe_cost.get)[:3]
    assert set(cheapest) == {"san_ysidro", "otay_mesa", "nogales_az"}


def test_every_market_reachable_and_no_dead_end(default: Network) -> None:
    g = default.graph()
    reached = set().union(*(nx.descendants(g, s) for s in EXPECTED_IDS["precursor_source"]))
    assert EXPECTED_IDS["market"] <= reached
    for node in g:
        if g.nodes[node]["kind"] != "market":
            assert nx.descendants(g, node) & EXPECTED_IDS["market"], node


def test_default_file_also_reads_with_plain_safe_load() -> None:
    path = Path(__file__).parents[1] / "src" / "borderflow" / "network" / "default.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert Network.from_dict(data) == load_network()
    assert load_network(path) == load_network()


# -- compiled arrays ------------------------------------------------------------------


def test_compiled_topological_order(compiled: CompiledNetwork) -> None:
    assert compiled.n_nodes == 43 and compiled.n_arcs == 91
    assert compiled.arc_tail.dtype == np.int64 and compiled.arc_head.dtype == np.int64
    assert np.all(compiled.arc_tail < compiled.arc_head)
    # sorted by tail
    assert np.all(np.diff(compiled.arc_tail) >= 0)
    sources = compiled.nodes_of_kind("precursor_source")
    assert set(sources.tolist()) == {0, 1}
    assert np.all(np.diff(compiled.nodes_of_kind("crossing")) > 0)


def test_compiled_csr_offsets(compiled: CompiledNetwork) -> None:
    ptr = compiled.out_ptr
    assert ptr.shape == (compiled.n_nodes + 1,) and ptr[0] == 0 and ptr[-1] == compiled.n_arcs
    for n in range(compiled.n_nodes):
        expected = set(np.flatnonzero(compiled.arc_tail == n).tolist())
        assert set(range(ptr[n], ptr[n + 1])) == expected
        assert set(compiled.out_arcs(n)) == expected
        entering = compiled.in_arcs[compiled.in_ptr[n] : compiled.in_ptr[n + 1]]
        assert set(entering.tolist()) == set(np.flatnonzero(compiled.arc_head == n).tolist())
    for kind in ("market",):
        for n in compiled.nodes_of_kind(kind):
            assert ptr[n] == ptr[n + 1]  # markets are sinks


def test_compiled_index_round_trips(default: Network, compiled: CompiledNetwork) -> None:
    for i, (tail, head) in enumerate(compiled.arc_ids):
        assert compiled.arc_index(tail, head) == i
        assert compiled.node_ids[compiled.arc_tail[i]] == tail
        assert compiled.node_ids[compiled.arc_head[i]] == head
        assert compiled.arc_labels[i] == f"{tail}->{head}"
        arc = default.arc(tail, head)
        assert compiled.detection[i] == arc.detection
        assert compiled.cost_usd_per_kg[i] == arc.cost_usd_per_kg
        assert compiled.capacity_kg_per_month[i] == arc.capacity_kg_per_month
        assert compiled.interdiction_cost_usd[i] == arc.interdiction_cost_usd
    for i, node_id in enumerate(compiled.node_ids):
        assert compiled.node_index(node_id) == i
        assert compiled.node_kind[i] == default.node(node_id).kind
    i = compiled.node_index("san_ysidro")
    assert compiled.crossing_type[i] == "port_of_entry"
    assert compiled.node_attrs[i]["field_office"] == "San Diego"
    assert compiled.crossing_type[compiled.node_index("tijuana")] is None
    with pytest.raises(NetworkError, match="unknown arc 'tijuana' -> 'laredo_poe'"):
        compiled.arc_index("tijuana", "laredo_poe")
    with pytest.raises(NetworkError, match="unknown node 'atlantis'"):
        compiled.node_index("atlantis")
    with pytest.raises(NetworkError, match="unknown kind 'airport'; allowed kinds: "):
        compiled.nodes_of_kind("airport")


def test_compiled_arrays_are_read_only(compiled: CompiledNetwork) -> None:
    for name in (
        "arc_tail",
        "arc_head",
        "out_ptr",
        "in_ptr",
        "in_arcs",
        "detection",
        "capacity_kg_per_month",
        "cost_usd_per_kg",
        "interdiction_cost_usd",
        "node_lat",
        "node_lon",
        "node_interdiction_cost_usd",
    ):
        array = getattr(compiled, name)
        with pytest.raises(ValueError):
            array[0] = 0
    assert compiled.detection.dtype == np.float64


def test_compile_is_deterministic_and_cached(default: Network) -> None:
    assert default.compile() is default.compile()
    again = load_network().compile()
    assert again.node_ids == default.compile().node_ids
    assert again.arc_ids == default.compile().arc_ids


def test_topological_ties_follow_file_order() -> None:
    data = small()
    data["nodes"][0], data["nodes"][1] = data["nodes"][1], data["nodes"][0]  # 'in' before 'cn'
    data["nodes"].append(data["nodes"].pop(8))  # 'west' after 'south'
    compiled = Network.from_dict(data).compile()
    assert compiled.node_ids[:2] == ("in", "cn")
    assert compiled.node_ids[-2:] == ("south", "west")
    # arcs leaving one node keep their file order
    assert compiled.arc_ids[compiled.out_ptr[4] : compiled.out_ptr[5]] == (
        ("tj", "poe"),
        ("tj", "sector"),
    )


def test_arc_mask(compiled: CompiledNetwork) -> None:
    poe = compiled.arc_mask(lambda a: a["head_crossing_type"] == "port_of_entry")
    assert poe.dtype == bool and poe.sum() == 8
    finished = compiled.arc_mask(lambda a: a.get("finished_fentanyl", False))
    assert [compiled.arc_labels[i] for i in np.flatnonzero(finished)] == [
        "china->jfk_mail_facility"
    ]


# -- the Network object ---------------------------------------------------------------


def test_extra_attributes_are_kept() -> None:
    data = small()
    data["nodes"][5]["note"] = {"opened": 1974}
    data["nodes"][3]["interdiction_cost_usd"] = 5e7
    data["arcs"][4].update(
        finished_fentanyl=False, upgrade_cost_usd=2e6, detection_upgraded=0.2, corridor="I-5"
    )
    net = Network.from_dict(data)
    poe = net.node("poe")
    assert poe.attrs == {
        "crossing_type": "port_of_entry",
        "field_office": "San Diego",
        "note": {"opened": 1974},
    }
    assert net.node("lab").interdiction_cost_usd == 5e7
    arc = net.arc("tj", "poe")
    assert arc.attrs == {
        "finished_fentanyl": False,
        "upgrade_cost_usd": 2e6,
        "detection_upgraded": 0.2,
        "corridor": "I-5",
    }
    g = net.graph()
    assert g.nodes["poe"]["note"] == {"opened": 1974} and g.nodes["poe"]["kind"] == "crossing"
    assert g.edges["tj", "poe"]["corridor"] == "I-5" and g.edges["tj", "poe"]["detection"] == 0.05
    c = net.compile()
    assert c.arc_attrs[c.arc_index("tj", "poe")]["corridor"] == "I-5"
    assert c.node_interdiction_cost_usd[c.node_index("lab")] == 5e7
    assert np.isnan(c.node_interdiction_cost_usd[c.node_index("port")])
    # round trip
    assert Network.from_dict(net.to_dict()) == net
    assert net.to_dict()["nodes"][5]["note"] == {"opened": 1974}


def test_graph_is_a_fresh_copy() -> None:
    net = Network.from_dict(small())
    g = net.graph()
    g.remove_node("hub")
    assert "hub" in net.graph()


def test_load_network_accepts_dict_path_and_network(tmp_path: Path) -> None:
    data = small()
    path = tmp_path / "small.yaml"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    from_dict = load_network(data)
    assert from_dict.source == "<dict>"
    from_file = load_network(path)
    assert from_file.source == str(path)
    assert load_network(str(path)) == from_dict == from_file
    assert load_network(from_file) is from_file
    with pytest.raises(NetworkError, match="expected a file path, a mapping or None, got int"):
        load_network(3)  # type: ignore[arg-type]


def test_yaml_numbers_without_a_dot_are_numbers(tmp_path: Path) -> None:
    text = yaml.safe_dump(small()).replace(
        "interdiction_cost_usd: 1000000.0", "interdiction_cost_usd: 1e6"
    )
    assert "1e6" in text
    path = tmp_path / "n.yaml"
    path.write_text(text, encoding="utf-8")
    assert load_network(path).arcs[0].interdiction_cost_usd == 1e6


def test_with_arc_changes() -> None:
    net = Network.from_dict(small())
    changed = net.with_arc_changes({("tj", "poe"): {"detection": 0.5, "detection_upgraded": 0.9}})
    assert changed.arc("tj", "poe").detection == 0.5
    assert changed.arc("tj", "poe").attrs["detection_upgraded"] == 0.9
    assert net.arc("tj", "poe").detection == 0.05  # the original is unchanged
    with pytest.raises(NetworkError, match=r"\(changed\): arc 'tj' -> 'poe': detection must be in"):
        net.with_arc_changes({("tj", "poe"): {"detection": 2.0}})
    with pytest.raises(NetworkError, match="arc 'tj' -> 'hub': no such arc to change"):
        net.with_arc_changes({("tj", "hub"): {"detection": 0.1}})
    with pytest.raises(NetworkError, match="'to' cannot be changed"):
        net.with_arc_changes({("tj", "poe"): {"to": "hub"}})


def test_network_pickles_and_fingerprint_ignores_source() -> None:
    net = Network.from_dict(small(), source="a.yaml")
    again = pickle.loads(pickle.dumps(net))
    assert again == net
    assert Network.from_dict(small(), source="b.yaml").fingerprint() == net.fingerprint()
    other = small()
    other["arcs"][0]["detection"] = 0.06
    assert Network.from_dict(other).fingerprint() != net.fingerprint()
    pickle.loads(pickle.dumps(net.compile()))


def test_network_error_is_a_borderflow_error() -> None:
    assert issubclass(NetworkError, BorderflowError)


# -- every documented error message ---------------------------------------------------


def _mutate(fn: Any) -> dict[str, Any]:
    data = small()
    fn(data)
    return data


CASES: list[tuple[str, Any, str]] = [
    # share weights the model reads
    (
        "negative share",
        lambda d: d["nodes"][0].update(supply_share=-0.5),
        "node 'cn': supply_share must be >= 0, got -0.5",
    ),
    (
        "share not a number",
        lambda d: d["nodes"][3].update(capacity_share="most"),
        "node 'lab': capacity_share must be a number >= 0, got 'most'",
    ),
    (
        "share on the wrong kind",
        lambda d: d["nodes"][7].update(demand_share=0.3),
        "node 'hub': demand_share is only allowed on market nodes, this node's kind is 'us_hub'",
    ),
    (
        "unknown census region",
        lambda d: d["nodes"][8].update(census_region="Pacific"),
        "node 'west': unknown census_region 'Pacific'; allowed: Northeast, Midwest, South, "
        "West",
    ),
    (
        "census region on the wrong kind",
        lambda d: d["nodes"][7].update(census_region="West"),
        "node 'hub': census_region is only allowed on market nodes, this node's kind is "
        "'us_hub'",
    ),
    (
        "country not a code",
        lambda d: d["nodes"][0].update(country="China"),
        "node 'cn': country must be an ISO 3166 two-letter code such as CN, got 'China'",
    ),
    (
        "country on the wrong kind",
        lambda d: d["nodes"][3].update(country="MX"),
        "node 'lab': country is only allowed on precursor_source nodes, this node's kind is "
        "'lab_region'",
    ),
    (
        "all shares zero",
        lambda d: [n.update(demand_share=0) for n in d["nodes"] if n["kind"] == "market"],
        "every market node has demand_share 0; at least one must be > 0",
    ),
    # field types
    (
        "missing field",
        lambda d: d["nodes"][4].pop("lat"),
        "node 'tj': missing required field 'lat' (a number (decimal degrees))",
    ),
    (
        "string number",
        lambda d: d["arcs"][4].update(detection="high"),
        "arc 'tj' -> 'poe': field 'detection' must be a number in [0, 1], got 'high'",
    ),
    (
        "bool number",
        lambda d: d["arcs"][4].update(capacity_kg_per_month=True),
        "arc 'tj' -> 'poe': field 'capacity_kg_per_month' "
        "must be a number (kg per month), got True",
    ),
    (
        "numeric id",
        lambda d: d["nodes"][1].update(id=7),
        "node #2: field 'id' must be a string, got 7",
    ),
    (
        "bad id",
        lambda d: d["nodes"][1].update(id="in dia"),
        "node #2: field 'id' must be an identifier of letters, "
        "digits, '_', '.' or '-', got 'in dia'",
    ),
    (
        "arc end not a string",
        lambda d: d["arcs"][2].update(to=["lab"]),
        "arc #3: field 'to' must be a node id (string), got ['lab']",
    ),
    (
        "missing arc field",
        lambda d: d["arcs"][2].pop("interdiction_cost_usd"),
        "arc 'port' -> 'lab': missing required field 'interdiction_cost_usd' (a number (USD))",
    ),
    (
        "finished_fentanyl not bool",
        lambda d: d["arcs"][0].update(finished_fentanyl="yes"),
        "arc 'cn' -> 'port': field 'finished_fentanyl' must be true or false, got 'yes'",
    ),
    (
        "node not a mapping",
        lambda d: d["nodes"].append(["x"]),
        "node #11: must be a mapping of fields, got a list",
    ),
    (
        "non-string key",
        lambda d: d["nodes"][0].update({3: "x"}),
        "node 'cn': field names must be strings, got 3",
    ),
    # kinds and crossing types
    (
        "unknown kind",
        lambda d: d["nodes"][3].update(kind="factory"),
        "node 'lab': unknown kind 'factory'; allowed kinds: precursor_source, port, lab_region, "
        "staging, crossing, us_hub, market",
    ),
    (
        "crossing without type",
        lambda d: d["nodes"][5].pop("crossing_type"),
        "node 'poe': a crossing node needs crossing_type, one of port_of_entry, between_ports, "
        "international_mail",
    ),
    (
        "unknown crossing type",
        lambda d: d["nodes"][5].update(crossing_type="tunnel"),
        "node 'poe': unknown crossing_type 'tunnel'; allowed: port_of_entry, between_ports, "
        "international_mail",
    ),
    (
        "crossing type elsewhere",
        lambda d: d["nodes"][4].update(crossing_type="port_of_entry"),
        "node 'tj': crossing_type is only allowed on crossing nodes, this node's kind is 'staging'",
    ),
    (
        "latitude",
        lambda d: d["nodes"][4].update(lat=132.5),
        "node 'tj': lat must be in [-90, 90], got 132.5",
    ),
    (
        "longitude",
        lambda d: d["nodes"][4].update(lon=-200),
        "node 'tj': lon must be in [-180, 180], got -200",
    ),
    # ids
    (
        "duplicate node",
        lambda d: d["nodes"].append(_node("tj", "staging")),
        "node 'tj': duplicate node id (nodes #5 and #11)",
    ),
    (
        "unknown arc head",
        lambda d: d["arcs"].append(_arc("tj", "otay")),
        "arc 'tj' -> 'otay': unknown node 'otay' in 'to'; every arc end must be a node id",
    ),
    (
        "unknown arc tail",
        lambda d: d["arcs"].append(_arc("mexicali", "poe")),
        "arc 'mexicali' -> 'poe': unknown node 'mexicali' in 'from'; "
        "every arc end must be a node id",
    ),
    (
        "duplicate arc",
        lambda d: d["arcs"].append(_arc("tj", "poe", detection=0.2)),
        "arc 'tj' -> 'poe': a second arc between the same two nodes (arcs #5 and #11); "
        "arcs are identified by their (from, to) pair",
    ),
    # ranges
    (
        "negative capacity",
        lambda d: d["arcs"][4].update(capacity_kg_per_month=-5),
        "arc 'tj' -> 'poe': capacity_kg_per_month must be >= 0, got -5",
    ),
    (
        "negative cost",
        lambda d: d["arcs"][4].update(cost_usd_per_kg=-1.5),
        "arc 'tj' -> 'poe': cost_usd_per_kg must be >= 0, got -1.5",
    ),
    (
        "negative interdiction cost",
        lambda d: d["arcs"][4].update(interdiction_cost_usd=-1e6),
        "arc 'tj' -> 'poe': interdiction_cost_usd must be >= 0, got -1000000.0",
    ),
    (
        "infinite cost",
        lambda d: d["arcs"][4].update(cost_usd_per_kg=float("inf")),
        "arc 'tj' -> 'poe': cost_usd_per_kg must be finite, got inf",
    ),
    (
        "nan capacity",
        lambda d: d["arcs"][4].update(capacity_kg_per_month=float("nan")),
        "arc 'tj' -> 'poe': capacity_kg_per_month must be >= 0, got nan",
    ),
    (
        "negative node cost",
        lambda d: d["nodes"][3].update(interdiction_cost_usd=-3),
        "node 'lab': interdiction_cost_usd must be >= 0, got -3",
    ),
    (
        "detection high",
        lambda d: d["arcs"][4].update(detection=1.5),
        "arc 'tj' -> 'poe': detection must be in [0, 1], got 1.5",
    ),
    (
        "detection negative",
        lambda d: d["arcs"][4].update(detection=-0.1),
        "arc 'tj' -> 'poe': detection must be in [0, 1], got -0.1",
    ),
    (
        "detection nan",
        lambda d: d["arcs"][4].update(detection=float("nan")),
        "arc 'tj' -> 'poe': detection must be in [0, 1], got nan",
    ),
    (
        "upgraded detection",
        lambda d: d["arcs"][4].update(detection_upgraded=1.2),
        "arc 'tj' -> 'poe': detection_upgraded must be in [0, 1], got 1.2",
    ),
    (
        "upgrade cost",
        lambda d: d["arcs"][4].update(upgrade_cost_usd=-1),
        "arc 'tj' -> 'poe': upgrade_cost_usd must be >= 0, got -1",
    ),
    # structure
    (
        "no source",
        lambda d: [n.update(kind="port") for n in d["nodes"][:2]],
        "net.yaml: the network has no precursor_source node",
    ),
    (
        "no market",
        lambda d: [n.update(kind="us_hub") for n in d["nodes"][8:]],
        "net.yaml: the network has no market node",
    ),
    (
        "arc into a source",
        lambda d: d["arcs"].append(_arc("port", "in")),
        "arc 'port' -> 'in': arcs may not enter a precursor_source",
    ),
    (
        "arc out of a market",
        lambda d: d["arcs"].append(_arc("west", "south")),
        "arc 'west' -> 'south': arcs may not leave a market",
    ),
    (
        "cycle",
        lambda d: d["arcs"].append(_arc("hub", "tj")),
        "cycle 'tj' -> 'poe' -> 'hub' -> 'tj': the network must be acyclic",
    ),
    (
        "self loop",
        lambda d: d["arcs"].append(_arc("lab", "lab")),
        "cycle 'lab' -> 'lab': the network must be acyclic",
    ),
    (
        "unreachable market",
        lambda d: (
            d["nodes"].append(_node("east", "market")),
            d["nodes"].append(_node("nyc", "us_hub")),
            d["arcs"].append(_arc("nyc", "east")),
        ),
        "node 'east': no precursor_source can reach this market",
    ),
    (
        "dead end",
        lambda d: (
            d["nodes"].append(_node("rey", "staging")),
            d["arcs"].append(_arc("lab", "rey")),
        ),
        "node 'rey': dead end, no market can be reached from this staging node",
    ),
    (
        "isolated source",
        lambda d: d["nodes"].append(_node("peru", "precursor_source")),
        "node 'peru': dead end, no market can be reached from this precursor_source node",
    ),
    # od_weights
    (
        "od unknown sink",
        lambda d: d["od_weights"].append({"source": "cn", "sink": "wst", "weight": 1}),
        "od_weights[1] 'cn' -> 'wst': unknown node 'wst' in 'sink'; "
        "source and sink must be node ids",
    ),
    (
        "od negative weight",
        lambda d: d["od_weights"][0].update(weight=-1),
        "od_weights[0] 'cn' -> 'west': weight must be >= 0, got -1",
    ),
    (
        "od missing weight",
        lambda d: d["od_weights"][0].pop("weight"),
        "od_weights[0]: missing required field 'weight' (a number)",
    ),
    (
        "od unknown field",
        lambda d: d["od_weights"][0].update(wt=1),
        "od_weights[0]: unknown field 'wt'; allowed: source, sink, weight",
    ),
    (
        "od duplicate",
        lambda d: d["od_weights"].append({"source": "cn", "sink": "west", "weight": 2}),
        "od_weights[1] 'cn' -> 'west': duplicate source/sink pair "
        "(od_weights[0] and od_weights[1])",
    ),
    (
        "od unreachable",
        lambda d: d["od_weights"].append({"source": "west", "sink": "cn", "weight": 1}),
        "od_weights[1] 'west' -> 'cn': sink 'cn' cannot be reached from source 'west'",
    ),
    (
        "od not a list",
        lambda d: d.update(od_weights={"cn": 1}),
        "net.yaml: top-level field 'od_weights' must be a list, got a mapping",
    ),
    # top level
    (
        "missing nodes",
        lambda d: d.pop("nodes"),
        "net.yaml: missing required top-level field 'nodes' (a list of nodes)",
    ),
    (
        "arcs not a list",
        lambda d: d.update(arcs="none"),
        "net.yaml: top-level field 'arcs' must be a list, got a string",
    ),
    (
        "unknown top-level",
        lambda d: d.update(od_weight=[]),
        "net.yaml: unknown top-level field 'od_weight'; allowed: name, description, nodes, arcs, "
        "od_weights",
    ),
    (
        "name not a string",
        lambda d: d.update(name=5),
        "net.yaml: top-level field 'name' must be a string, got 5",
    ),
]


@pytest.mark.parametrize(
    ("mutation", "message"), [(m, t) for _, m, t in CASES], ids=[c[0] for c in CASES]
)
def test_invalid_network_message(mutation: Any, message: str) -> None:
    _raises(_mutate(mutation), message)


def test_null_od_weights_are_none() -> None:
    data = small()
    data["od_weights"] = None
    assert Network.from_dict(data).od_weights == ()


def test_not_a_mapping() -> None:
    _raises([1, 2], "net.yaml: the network must be a mapping with 'nodes' and 'arcs', got a list")
    _raises(None, "the network must be a mapping with 'nodes' and 'arcs', got an empty document")


# -- file errors name the file ---------------------------------------------------------


FILE_CASES: list[tuple[str, Any, str]] = [
    ("missing", None, "net.yaml: network file not found"),
    ("directory", "dir", "net.yaml: cannot read network file: Is a directory"),
    ("not utf-8", b"nodes: \xff\xfe\n", "net.yaml: cannot read network file: not UTF-8 text"),
    (
        "bad yaml",
        "nodes:\n  - {id: a, kind: port\narcs: []\n",
        "net.yaml: not valid YAML: expected ',' or '}', but got ':' at line 3, column 5",
    ),
    (
        "duplicate key",
        "nodes:\n  - id: a\n    lat: 1\n    lat: 2\narcs: []\n",
        "net.yaml: not valid YAML: duplicate key 'lat' at line 4, column 5",
    ),
    (
        "bad date",
        "name: x\nopened: 2025-13-45\n",
        "net.yaml: not valid YAML: month must be in 1..12",
    ),
    (
        "a list",
        "- a\n- b\n",
        "net.yaml: the network must be a mapping with 'nodes' and 'arcs', got a list",
    ),
    (
        "empty",
        "",
        "net.yaml: the network must be a mapping with 'nodes' and 'arcs', got an empty document",
    ),
]


@pytest.mark.parametrize(
    ("content", "message"), [(c, m) for _, c, m in FILE_CASES], ids=[c[0] for c in FILE_CASES]
)
def test_file_error_message(
    content: Any, message: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    if content == "dir":
        (tmp_path / "net.yaml").mkdir()
    elif isinstance(content, bytes):
        (tmp_path / "net.yaml").write_bytes(content)
    elif content is not None:
        (tmp_path / "net.yaml").write_text(content, encoding="utf-8")
    with pytest.raises(NetworkError) as info:
        load_network("net.yaml")
    assert str(info.value) == message


def test_file_errors_name_the_full_path(tmp_path: Path) -> None:
    path = tmp_path / "nope.yaml"
    with pytest.raises(NetworkError) as info:
        load_network(path)
    assert str(info.value) == f"{path}: network file not found"


def test_file_validation_error_names_file_and_arc(tmp_path: Path) -> None:
    data = small()
    data["arcs"][4]["detection"] = 1.5
    path = tmp_path / "network.yaml"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    with pytest.raises(NetworkError) as info:
        load_network(path)
    assert str(info.value) == f"{path}: arc 'tj' -> 'poe': detection must be in [0, 1], got 1.5"


# -- no other exception escapes --------------------------------------------------------

_values = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-5, 5),
    st.floats(allow_nan=True),
    st.text(max_size=5),
    st.lists(st.integers(), max_size=2),
    st.dictionaries(st.text(max_size=3), st.integers(), max_size=2),
)


@settings(
    max_examples=300, derandomize=True, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
@given(
    section=st.sampled_from(["nodes", "arcs", "od_weights"]),
    index=st.integers(0, 9),
    key=st.sampled_from(
        [
            "id",
            "kind",
            "lat",
            "crossing_type",
            "from",
            "to",
            "detection",
            "capacity_kg_per_month",
            "source",
            "sink",
            "weight",
            "extra",
        ]
    ),
    value=_values,
    drop=st.booleans(),
)
def test_any_corruption_is_a_network_error(
    section: str, index: int, key: str, value: Any, drop: bool
) -> None:
    data = copy.deepcopy(small())
    records = data[section]
    record = records[index % len(records)]
    if drop:
        record.pop(key, None)
    else:
        record[key] = value
    try:
        Network.from_dict(data, source="fuzz.yaml")
    except NetworkError as exc:
        assert str(exc).startswith("fuzz.yaml: ") and "\n" not in str(exc)


# -- the documentation matches the code ---------------------------------------------------

DOC = Path(__file__).parents[1] / "docs" / "network-format.md"


def test_every_documented_message_is_tested() -> None:
    documented = re.findall(r"`(net\.yaml: [^`]+)`", DOC.read_text(encoding="utf-8"))
    assert len(documented) > 30
    tested = {"net.yaml: " + t.removeprefix("net.yaml: ") for _, _, t in CASES}
    tested |= {m for _, _, m in FILE_CASES}
    assert [m for m in documented if m not in tested] == []


def test_documented_example_loads() -> None:
    text = DOC.read_text(encoding="utf-8")
    example = text.split("```yaml\n", 1)[1].split("```", 1)[0]
    net = Network.from_dict(yaml.safe_load(example), source="example")
    assert len(net.nodes) == 8 and len(net.arcs) == 8
    assert net.arc("tijuana", "san_ysidro").attrs["detection_upgraded"] == 0.10


def test_default_shares() -> None:
    net = load_network()
    shares = {n.id: n.attrs.get("supply_share") for n in net.nodes_of_kind("precursor_source")}
    assert shares == {"china": 0.97, "india": 0.03}
    demand = [n.attrs["demand_share"] for n in net.nodes_of_kind("market")]
    assert sum(demand) == pytest.approx(1.0, abs=1e-3)


def test_default_markets_and_ports_carry_their_region_and_field_office():
    net = load_network().compile()
    regions = {net.node_ids[m]: net.node_attrs[m].get("census_region")
               for m in net.nodes_of_kind("market")}
    assert regions == {"west": "West", "midwest": "Midwest", "south": "South",
                       "northeast": "Northeast"}
    poes = [c for c in net.nodes_of_kind("crossing") if net.crossing_type[c] == "port_of_entry"]
    assert poes and all(net.node_attrs[c].get("field_office") for c in poes)
