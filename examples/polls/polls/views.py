from django.http import JsonResponse

from .models import Question
from .results import summarise


def health(request):
    return JsonResponse({"status": "ok"})


def results(request, question_id: int):
    question = Question.objects.get(pk=question_id)
    counts = {choice.text: choice.votes for choice in question.choices.all()}
    return JsonResponse({"question": question.text, **summarise(counts)})
