"""The US opioid market: stocks, prices, demand and heroin (mechanism 7).

Pure functions over arrays; every array has the ensemble member as its leading axis.
Quantities are pure fentanyl-equivalent kg per month (heroin converted at its potency
relative to fentanyl), prices USD per pure gram. See docs/model-system.md, M6-M7.

The market clears through a national wholesale stock (the stock-and-price structure of
commodity-market models, Sterman, *Business Dynamics*, 2000): deliveries enter it,
retail sales leave it. The
long-run wholesale price is set by traffickers' costs and risk compensation (Reuter &
Kleiman 1986; Caulkins & Reuter 2010): bulk fentanyl sells at a price per *gross* gram
that moves with import costs (the share of the price that is smuggling cost and
seizure losses), so its price per *pure* gram moves inversely with purity. The
short-run price rises when the stock covers less than its usual holding time (shortage)
and falls when it covers more (glut). Retail adds a margin per pure gram (distribution
costs and retail risk, additive as Caulkins & Reuter find markups to be), and users buy
at the realised retail price with a cited elasticity.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from borderflow.model.jit import jit
from borderflow.model.steps.potency import PURITY_REFERENCE

#: Stock cover relative to the usual, clipped so that no price is 0 or infinite
#: (judgement: a stock between 1/20 and 20 times its usual level; dimensionless).
COVERAGE_LIMITS = (0.05, 20.0)
#: Heroin price under shortage at most this multiple of its reference (judgement: the
#: 1995 methamphetamine precursor shock tripled the price, anchor
#: meth_precursor_shock_price_multiplier; 10 leaves room beyond it; dimensionless).
HEROIN_PRICE_LIMIT = 10.0


@jit
def import_cost(flow: np.ndarray, seized: np.ndarray, cost: np.ndarray, value: np.ndarray,
                delivered: np.ndarray, other_usd: np.ndarray) -> np.ndarray:
    """Traffickers' cost per kg delivered this month, κ (USD/kg), shape (M,).

    Transport spending on every arc (``flow`` kg × ``cost`` USD/kg) plus seizure losses
    valued where they happen (``value`` USD/kg per arc, (M, arcs)) plus ``other_usd``
    spent this month (replacing controlled precursors), over the kilograms delivered.
    """
    kappa = np.empty(flow.shape[0])
    for i in range(flow.shape[0]):
        transport = losses = 0.0
        for a in range(flow.shape[1]):
            transport += flow[i, a] * cost[i, a]
            losses += value[i, a] * seized[i, a]
        kappa[i] = (transport + losses + other_usd[i]) / max(delivered[i], 1e-9)
    return kappa


@jit
def cost_ratio(kappa: np.ndarray, kappa_ref: np.ndarray) -> np.ndarray:
    """Import cost relative to month 0's, kept in [0.01, 100]; 1 where κ_ref is 0."""
    safe = np.where(kappa_ref > 0, kappa_ref, 1.0)
    return np.where(kappa_ref > 0, np.clip(kappa / safe, 0.01, 100.0), 1.0)


@jit
def long_run_wholesale_price(cost_ratio: np.ndarray, purity: np.ndarray,
                             wholesale_usd_per_pure_gram: np.ndarray,
                             import_cost_share: np.ndarray) -> np.ndarray:
    """Long-run wholesale price, USD per pure gram, (M,).

    ``wholesale_usd_per_pure_gram`` at the reference purity and month-0 import costs;
    the price per gross gram moves by the import cost's share of it, and the price per
    pure gram is that over ``purity / PURITY_REFERENCE``.
    """
    gross = np.maximum(0.1, 1.0 + import_cost_share * (cost_ratio - 1.0))
    return wholesale_usd_per_pure_gram * gross * PURITY_REFERENCE / purity


@jit
def wholesale_price(long_run: np.ndarray, stock_kg: np.ndarray, usual_stock_kg: np.ndarray,
                    inventory_price_elasticity: np.ndarray) -> np.ndarray:
    """Short-run wholesale price, USD per pure gram: long-run × cover^(−elasticity).

    Cover is the stock over its usual level (the holding time × demand), clipped to
    :data:`COVERAGE_LIMITS`; 1 where there is no usual stock.
    """
    cover = np.where(usual_stock_kg > 0, stock_kg / np.where(usual_stock_kg > 0,
                                                             usual_stock_kg, 1.0), 1.0)
    low, high = COVERAGE_LIMITS
    return long_run * np.clip(cover, low, high) ** -inventory_price_elasticity


@jit
def need_kg(users: np.ndarray, consumption_g_per_user_month: np.ndarray) -> np.ndarray:
    """Opioids the users would take at reference prices, pure fentanyl-eq kg/month."""
    return consumption_g_per_user_month / 1000.0 * users


@jit
def fentanyl_demand_kg(need: np.ndarray, share: np.ndarray, price_ratio: np.ndarray,
                       price_elasticity: np.ndarray) -> np.ndarray:
    """Fentanyl users buy at the retail price, kg/month: ``need f ratio^ε``, at most need."""
    return need * np.minimum(1.0, share * price_ratio ** price_elasticity)


@jit
def supply_pull_kg(demand: np.ndarray, stock_kg: np.ndarray, usual_stock_kg: np.ndarray,
                   holding_months: np.ndarray) -> np.ndarray:
    """What the supply chain is asked for, kg/month (never negative).

    Demand plus closing the gap to the usual stock over the holding time.
    """
    return np.maximum(0.0, demand + (usual_stock_kg - stock_kg) / holding_months)


class Quote(NamedTuple):
    """The market at the start of a month, each (M,): kg/month, kg, USD per pure gram."""

    need_kg: np.ndarray
    usual_stock_kg: np.ndarray
    wholesale_usd_per_pure_gram: np.ndarray
    retail_usd_per_pure_gram: np.ndarray
    demand_kg: np.ndarray
    pull_kg: np.ndarray


@jit
def quote(users: np.ndarray, fentanyl_share: np.ndarray, stock_kg: np.ndarray,
          cost_ratio: np.ndarray | float, purity: np.ndarray,
          consumption_g_per_user_month: np.ndarray, retail_usd_per_pure_gram: np.ndarray,
          wholesale_share_of_retail: np.ndarray, import_cost_share: np.ndarray,
          stock_holding_months: np.ndarray, inventory_price_elasticity: np.ndarray,
          price_elasticity: np.ndarray) -> Quote:
    """Prices, demand and the pull on the supply chain from the stock at the month's start.

    Args:
        users: people who buy, weighted by use, (M,).
        fentanyl_share: fentanyl's share of the supply ``f``, (M,).
        stock_kg: the wholesale stock, pure kg, (M,).
        cost_ratio: last month's import cost over month 0's (1 in month 0).
        purity: this month's powder purity, fraction, (M,).
        consumption_g_per_user_month: the users' need per person, g, (M,).
        retail_usd_per_pure_gram: retail price at reference purity, costs and stock, (M,).
        wholesale_share_of_retail: the wholesale price's share of it, (M,).
        import_cost_share: share of the wholesale price moving with import costs, (M,).
        stock_holding_months: the usual stock in months of demand, (M,).
        inventory_price_elasticity: elasticity of price to the stock's cover, (M,).
        price_elasticity: elasticity of demand to the retail price, (M,).

    """
    need = need_kg(users, consumption_g_per_user_month)
    usual = stock_holding_months * need * np.minimum(1.0, fentanyl_share)
    wholesale_ref = wholesale_share_of_retail * retail_usd_per_pure_gram
    long_run = long_run_wholesale_price(cost_ratio, purity, wholesale_ref, import_cost_share)
    wholesale = wholesale_price(long_run, stock_kg, usual, inventory_price_elasticity)
    retail = retail_usd_per_pure_gram - wholesale_ref + wholesale
    demand = fentanyl_demand_kg(need, fentanyl_share, retail / retail_usd_per_pure_gram,
                                price_elasticity)
    return Quote(need, usual, wholesale, retail, demand,
                 supply_pull_kg(demand, stock_kg, usual, stock_holding_months))


@jit
def heroin_supply_kg(need: np.ndarray, fentanyl_share: np.ndarray,
                     heroin_supply_scale: np.ndarray) -> np.ndarray:
    """Heroin on offer, fentanyl-eq kg/month.

    The part of the users' need served by the suppliers who have not switched to
    fentanyl (``h_s (1 − f) N_d``): finite, declining as fentanyl takes over, and not
    growing when fentanyl is cut.
    """
    return heroin_supply_scale * (1.0 - fentanyl_share) * need


@jit
def shares_of_need(need: np.ndarray, fentanyl_kg: np.ndarray, heroin_kg: np.ndarray
                   ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Shares of the need met by fentanyl and by heroin, and unmet, each (M,) in [0, 1]."""
    safe = np.where(need > 0, need, 1.0)
    x_f = np.where(need > 0, fentanyl_kg / safe, 0.0)
    x_h = np.where(need > 0, heroin_kg / safe, 0.0)
    return x_f, x_h, np.where(need > 0, np.maximum(0.0, 1.0 - x_f - x_h), 0.0)


@jit
def sell(stock_kg: np.ndarray, delivered_kg: np.ndarray, demand_kg: np.ndarray
         ) -> tuple[np.ndarray, np.ndarray]:
    """Retail sales this month and the stock left, kg: sales are demand, if in stock."""
    available = stock_kg + delivered_kg
    sold = np.minimum(available, demand_kg)
    return sold, available - sold


@jit
def heroin_market(need: np.ndarray, fentanyl_kg: np.ndarray, supply_kg: np.ndarray,
                  price_elasticity: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Heroin bought (fentanyl-eq kg/month) and its price relative to reference.

    Users seek heroin for the need fentanyl does not meet. Heroin's supply is finite;
    when what is sought exceeds it, the price rises until demand falls to the supply
    (``ratio = (sought / supply)^(1/|ε|)``, at most :data:`HEROIN_PRICE_LIMIT`), and no
    more than the supply is bought.
    """
    sought = np.maximum(0.0, need - fentanyl_kg)
    short = sought > supply_kg
    safe_supply = np.where(supply_kg > 0, supply_kg, 1.0)
    inv = np.where(price_elasticity < 0, -1.0 / np.where(price_elasticity < 0,
                                                         price_elasticity, -1.0), np.inf)
    clearing = np.where(supply_kg > 0, (sought / safe_supply) ** inv, np.inf)
    ratio = np.where(short, np.minimum(HEROIN_PRICE_LIMIT, clearing), 1.0)
    bought = np.minimum(sought * ratio ** price_elasticity, supply_kg)
    return bought, ratio


@jit
def diffuse(share: np.ndarray, ratio: np.ndarray, rate_per_year: np.ndarray,
            cost_elasticity: np.ndarray) -> np.ndarray:
    """One month of supplier-driven logistic diffusion (exact for a constant rate).

    ``ratio`` is the import cost relative to month 0's (:func:`cost_ratio`).
    """
    grow = np.exp(rate_per_year * ratio ** -cost_elasticity / 12.0)
    return share * grow / (1.0 - share + share * grow)
