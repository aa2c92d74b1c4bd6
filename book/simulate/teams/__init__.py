"""Seeded teaching data for the clinical-teams chapter (substudy 5).

Respondents nested in teams nested in the 51 trusts of Table 1, row 5, with the
published counts exactly (read from ``data/published``): 621 teams,
4604 baseline responses, 13 acute / 17 mental health / 10 ambulance / 11 primary
care trusts, 388 teams with 1299 individuals three months later, and 4976
open-ended answers from 486 teams describing 183 innovations. Six files:

* ``team_teams.csv`` -- one row per team: trust, sector, whether the trust's senior
  manager could name the team's leader, the leader's and an external rater's
  rating of the team's effectiveness (blank where there is none).
* ``team_responses.csv`` -- one row per baseline respondent: who they are in the
  team's pool of people (``person_id``), three yes/no "real team" questions, and
  their answers (1-5) to the 100 items of the 16 Aston Team Performance Inventory
  (ATPI) dimensions.
* ``team_followup.csv`` -- three months later, a subset of the same respondents in
  388 teams answer the effectiveness, innovation and reflexivity items again.
* ``team_membership.csv`` -- one row per person each respondent (and each
  identified leader) listed as a member of their team.
* ``team_open_responses.csv`` -- one row per open-ended answer, with its question
  and, for answers describing an innovation, the innovation it describes and its
  coded category.
* ``team_innovations.csv`` -- the 183 coded innovations with their category and two
  experts' ratings of their magnitude.

The generating model (every number below is a named constant of this module):

* Team level. Each team has true standardised scores ``Z`` on the 16 dimensions,
  built by a linear recursive model in :data:`GEN_ORDER`: the four inputs are
  correlated (:data:`INPUT_CORRELATION`), with part of their variance shared by
  the teams of one trust (:data:`TRUST_SHARE`); processes depend on inputs and
  earlier processes, outputs on inputs and processes (:data:`PATHS`, standardised
  path coefficients). Residual variances are set so that each ``Z`` has variance 1
  within a sector. Sectors shift some dimensions (:data:`SECTOR_SHIFT`).
* Respondent level. A respondent's perception of dimension *d* is
  ``sqrt(icc_d) Z_d + sqrt(method_team) h + u_d + sqrt(method_person) m``: the
  team's true score, a halo the whole team shares (``h``, the team-level part of
  common-method variance), the respondent's own view (``u_d``) and the
  respondent's halo across all dimensions (``m``); conflict loads negatively on
  both halos. Items add independent error (:data:`ITEM_ERROR_VARIANCE`) and are
  rounded to a 1-5 scale: ``round(SCALE_MEAN[d] + ITEM_SLOPE * (perception + e))``.
* Leaders rate the three effectiveness items like a member (sharing the team
  halo) with a leniency of :data:`LEADER_LENIENCY`; external raters see the true
  score plus their own error (:data:`EXTERNAL_NOISE_VARIANCE`) and no halo.
* Follow-up: ``Z`` of effectiveness, innovation and reflexivity three months on
  depend on baseline ``Z`` (:data:`FOLLOWUP_PATHS`); respondents keep their halo
  and, with correlation :data:`PERSON_PERSISTENCE`, their own view.
* Membership: each team has a pool of core and peripheral people; every rater
  lists themself, and each other person with a probability that rises with the
  team's clarity of membership, which rises with its clarity of objectives
  (:data:`MEMBERSHIP`).
* Open-ended answers: 486 teams (chosen at random) give 4976 answers to three
  questions (:data:`OPEN_QUESTIONS`, weighted by :data:`OPEN_QUESTION_WEIGHT`);
  each of the 183 innovations is described by one answer to the innovation
  question, drawn with weights rising with the team's true innovation score
  (:data:`INNOVATION_TILT`), so a team's innovations are proportional to its
  innovation answers; they fall in the three categories with probabilities
  :data:`CATEGORY_PROBS`.

What is published and what is ours. Published: the counts above, the 16
dimensions (Table 1), the order of the three innovation categories (Results).
The ATPI's number of items per dimension is taken from a later publication of the
instrument (Dixon & Wellsteed 2019, Table 2; the three leadership sub-scales,
4 + 8 + 5 items, are one 17-item scale here); the paper gives no item counts and
the 2010-12 version may differ. Everything else is our assumption, because the
paper prints no coefficient, mean, variance or reliability for this substudy:
the 1-5 response scale, every path coefficient and sector shift, the ICCs (team
share of each dimension's variance), the method-variance shares, item error,
scale means, the leader's leniency and the external rater's error, the teams
per trust, at least three respondents per team, that the follow-up respondents
are a random subset of the baseline respondents of a random 388 teams, that the
open-ended answers come from baseline respondents answering up to three
questions (the paper does not say how 4976 answers arose from 486 teams), the
membership model, the category probabilities, the share of leaders a manager
could name (:data:`P_LEADER_NAMED`) and of teams with an external rating
(:data:`P_EXTERNAL_RATED`). :func:`implied_covariance` and the other functions of
:mod:`~book.simulate.teams.truths` give what each analysis of the chapter should
find under these assumptions (to first order in the rounding);
:func:`assumptions` lists them all as a table.

The package: :mod:`~book.simulate.teams.parameters` (every named constant),
:mod:`~book.simulate.teams.truths` (the covariance structure and its implied
values), :mod:`~book.simulate.teams.sample` (the draws, one random stream per
part) and :mod:`~book.simulate.teams.files` (CSV text, data dictionary,
assumptions, teaching data).

:data:`DEFAULT_SEED` follows the book's one rule (:mod:`book.simulate.seeds`): 2014, fixed
before any result was seen. At any seed some of the chapter's claims and intervals fail by
chance; the chapter reports which.
"""

from .parameters import *  # noqa: F401,F403  the named constants
from .parameters import DEFAULT_SEED, FILES, item_columns, model_params, person_unique, signs  # noqa: F401
from .truths import (IMPLIED_NAMES, dominance_truth, expected_innovation_rate_ratio, expected_regression,  # noqa: F401
                     expected_reliability, expected_scale_means, expected_sector_eta2, followup_matrix,
                     implied_covariance, item_moments, regression_truth, sector_means, structure)
from .sample import STREAMS, simulate, streams  # noqa: F401
from .files import assumptions, generate, resources, teaching_data, to_csv_texts  # noqa: F401
