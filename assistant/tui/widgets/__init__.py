"""The chat UI's widgets: the prompt, the conversation and its turns, the status bar."""

from .conversation import (AnswerView, Choice, Conversation, ErrorView, InspectionView, MessageView, NewMarker,
                           NoticeView, QuestionView, TurnAction)
from .footer import LocalizedFooter
from .prompt import PromptArea
from .status import StatusBar

__all__ = ["AnswerView", "Choice", "Conversation", "ErrorView", "InspectionView", "LocalizedFooter", "MessageView",
           "NewMarker", "NoticeView", "PromptArea", "QuestionView", "StatusBar", "TurnAction"]
