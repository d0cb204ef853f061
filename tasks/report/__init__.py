"""The browsable report (``whosaid report``): the warehouse drawn as pages a person opens in a
browser, with nothing else installed and no network.

``aggregates`` and ``speakers`` ask DuckDB every question (read-only), ``records`` holds the
answers, ``charts`` draws them with Bokeh, ``pages`` renders the one self-contained HTML file,
and ``build`` ties them together (``tasks.report.build.write_report``). Only the light parts are
imported here, so importing the flow does not import Bokeh.
"""

from tasks.report.aggregates import ReportError
from tasks.report.records import ReportOptions

__all__ = ["ReportError", "ReportOptions"]
