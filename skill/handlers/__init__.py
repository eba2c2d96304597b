"""Request handlers, one small class per intent, grouped by session phase:

launch.py     choosing: LaunchRequest, StartRoutineIntent
routine.py    in a session: Next, Previous, Repeat, SkipExercise/Set/Side, Finish, StartOver, Pause, Resume,
              Slower, Faster, MissingEquipment
questions.py  questions and small talk mid-session: WhatsNext, WhichSide, TellMeMore, Thanks,
              WhatIsPsoas, Easier (the count goes on)
answers.py    Yes / No to the pending question, and a misunderstood answer
pace.py       keeping a routine's pace for next time (offered at its end, stored only on a yes)
info.py       ListRoutines, DescribeExercise, HowMuchLonger, Help, Fallback
progress.py   HowAmIDoing, RemindMe, StopReminders
safety.py     PainIntent (stops the count, then asks how bad)
pain_flow.py  PainScoreIntent: the 0-10 answer and its advice; carrying on, easing off or skipping after it
checkins.py   before/after check-ins, the next-launch follow-up, the red-flag screen (and SafetyScreen, asking it again),
              CheckinsOff/On
linking.py    LinkPhoneIntent, UnlinkPhoneIntent
privacy.py    ForgetMeIntent (yes/no, then everything of the person is deleted)
lifecycle.py  Stop/Cancel, NavigateHome, SessionEnded, SkillDisabled, errors
flow.py       what the voice says and does in each phase (shared by the handlers)
carry.py      around the count: cues, cautions once, missing equipment, carrying on after an answer
"""

from __future__ import annotations

from .answers import NoHandler, YesHandler
from .checkins import (
    AfterAnswerHandler,
    BeforeAnswerHandler,
    CheckinsOffHandler,
    CheckinsOnHandler,
    FollowupAnswerHandler,
    ScreenAgainHandler,
    ScreenNoHandler,
    ScreenUnclearHandler,
    ScreenYesHandler,
)
from .info import (
    DescribeExerciseHandler,
    FallbackHandler,
    HelpHandler,
    HowMuchLongerHandler,
    ListRoutinesHandler,
)
from .launch import LaunchHandler, StartRoutineHandler
from .lifecycle import (
    ErrorHandler,
    NavigateHomeHandler,
    SessionEndedHandler,
    SkillDisabledHandler,
    StopHandler,
)
from .linking import LinkPhoneHandler, UnlinkPhoneHandler
from .pace import KeepPaceNoHandler, KeepPaceYesHandler
from .pain_flow import PickUpHandler, ScoreHandler, StrayScoreHandler
from .privacy import ForgetMeHandler
from .progress import HowAmIDoingHandler, RemindMeHandler, StopRemindersHandler
from .questions import (
    EasierHandler,
    TellMeMoreHandler,
    ThanksHandler,
    WhatIsPsoasHandler,
    WhatsNextHandler,
    WhichSideHandler,
)
from .routine import (
    FasterHandler,
    FinishHandler,
    MissingEquipmentHandler,
    NextHandler,
    PauseHandler,
    PreviousHandler,
    RepeatHandler,
    ResumeHandler,
    SkipExerciseHandler,
    SkipSetHandler,
    SkipSideHandler,
    SlowerHandler,
    StartOverHandler,
)
from .safety import PainHandler


def request_handlers() -> list:
    """Every request handler, safety first (a pain report must never be shadowed)."""
    return [
        PainHandler(),
        # answers to an open 0-10 or yes/no question, ahead of the intents "skip" and "no" also match
        ScoreHandler(),
        PickUpHandler(),
        BeforeAnswerHandler(),
        AfterAnswerHandler(),
        FollowupAnswerHandler(),
        ScreenYesHandler(),
        ScreenNoHandler(),
        ScreenUnclearHandler(),
        StrayScoreHandler(),
        KeepPaceYesHandler(),
        KeepPaceNoHandler(),
        ScreenAgainHandler(),
        CheckinsOffHandler(),
        CheckinsOnHandler(),
        LaunchHandler(),
        StartRoutineHandler(),
        NextHandler(),
        PreviousHandler(),
        RepeatHandler(),
        SkipExerciseHandler(),
        SkipSetHandler(),
        SkipSideHandler(),
        FinishHandler(),
        MissingEquipmentHandler(),
        WhatsNextHandler(),
        WhichSideHandler(),
        TellMeMoreHandler(),
        ThanksHandler(),
        WhatIsPsoasHandler(),
        EasierHandler(),
        StartOverHandler(),
        PauseHandler(),
        ResumeHandler(),
        SlowerHandler(),
        FasterHandler(),
        YesHandler(),
        NoHandler(),
        ListRoutinesHandler(),
        DescribeExerciseHandler(),
        HowMuchLongerHandler(),
        HelpHandler(),
        LinkPhoneHandler(),
        UnlinkPhoneHandler(),
        ForgetMeHandler(),
        HowAmIDoingHandler(),
        RemindMeHandler(),
        StopRemindersHandler(),
        StopHandler(),
        NavigateHomeHandler(),
        FallbackHandler(),
        SessionEndedHandler(),
        SkillDisabledHandler(),
    ]


__all__ = ["request_handlers", "ErrorHandler"]
