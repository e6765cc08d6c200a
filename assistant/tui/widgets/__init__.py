"""The chat UI's widgets: the prompt, the conversation and its turns, the status bar."""

from .conversation import AnswerView, Conversation, ErrorView, InspectionView, NoticeView, QuestionView
from .prompt import PromptArea
from .status import StatusBar

__all__ = ["AnswerView", "Conversation", "ErrorView", "InspectionView", "NoticeView", "PromptArea",
           "QuestionView", "StatusBar"]
