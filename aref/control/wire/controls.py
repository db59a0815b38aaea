"""The degradation tier a human pins, and the control state each replica applied beside the desired one."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field
from typing_extensions import TypedDict


class TierView(TypedDict):
    """A service's degradation tier after a human pinned it or lifted the pin."""

    service: Annotated[str, Field(description="service name")]
    tier: Annotated[str, Field(description="the tier now in force: full | reduced | minimal | emergency")]
    pinned: Annotated[bool, Field(description="whether a human holds the tier (signals no longer move it)")]


class ControlState(TypedDict):
    """One side of a replica's control state: what it should act on, or what it acts on."""

    tier: Annotated[str, Field(description="degradation tier")]
    control_version: Annotated[int, Field(description="version of the flags and weights")]
    flags: Annotated[dict[str, bool], Field(description="flag name -> enabled")]
    traffic: Annotated[dict[str, int], Field(description="route -> percent")]


class AppliedReplicaView(TypedDict):
    """One replica: the control state it reported applying beside the state the pillars want."""

    service: Annotated[str, Field(description="service name")]
    replica_id: Annotated[str, Field(description="Serve's replica id")]
    applied: Annotated[ControlState, Field(description="what the replica reported acting on")]
    disabled_features: Annotated[list[str], Field(description="what its applied tier switches off")]
    skipped: Annotated[dict[str, int], Field(description="optional work the replica skipped so far, by cause")]
    desired: Annotated[ControlState, Field(description="what absorption and adaptation want now")]
    in_sync: Annotated[bool, Field(description="applied equals desired")]
    reported_at: Annotated[float, Field(description="when the replica took this state (its clock)")]


class AppliedView(TypedDict):
    """Every replica that reported within the last 30 s, by service then replica."""

    replicas: Annotated[list[AppliedReplicaView], Field(description="one entry per live replica")]
