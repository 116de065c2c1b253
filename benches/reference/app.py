"""The guide's FastAPI TODO app, minimal and equivalent, as the benchmark's reference.

Only benches/run.sh uses it: it is measured with the same wrk commands as the lab server in the
same run, so "the lab server is N times faster" is a ratio, not a remembered number. Not a
project dependency: run.sh installs FastAPI, uvicorn and SQLAlchemy into a throwaway venv.

Same routes and shapes as shared/design/todo-api-contract.md, written the way the FastAPI +
SQLAlchemy tutorial the guide follows writes them: sync handlers (FastAPI's thread pool), one
SQLAlchemy session per request through Depends(get_db), a SQLite file (TODO_DB_URL).
"""

import datetime
import os
from typing import List, Optional

from fastapi import Depends, FastAPI, HTTPException
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import Boolean, Column, DateTime, Integer, String, create_engine
from sqlalchemy.orm import Session, declarative_base, sessionmaker

DATABASE_URL = os.environ.get("TODO_DB_URL", "sqlite:///./todos.db")

engine = create_engine(DATABASE_URL, connect_args={"check_same_thread": False})
SessionLocal = sessionmaker(autocommit=False, autoflush=False, bind=engine)
Base = declarative_base()


def utcnow():
    return datetime.datetime.now(datetime.timezone.utc).replace(tzinfo=None)


class TodoDB(Base):
    __tablename__ = "todos"

    id = Column(Integer, primary_key=True, index=True)
    title = Column(String(100), nullable=False)
    description = Column(String(500), nullable=True)
    completed = Column(Boolean, default=False)
    created_at = Column(DateTime, default=utcnow)
    updated_at = Column(DateTime, default=utcnow, onupdate=utcnow)


Base.metadata.create_all(bind=engine)


class TodoBase(BaseModel):
    title: str = Field(..., min_length=1, max_length=100)
    description: Optional[str] = Field(None, max_length=500)
    completed: bool = False


class TodoCreate(TodoBase):
    pass


class TodoUpdate(BaseModel):
    title: Optional[str] = Field(None, min_length=1, max_length=100)
    description: Optional[str] = Field(None, max_length=500)
    completed: Optional[bool] = None


class Todo(TodoBase):
    model_config = ConfigDict(from_attributes=True)

    id: int
    created_at: datetime.datetime
    updated_at: datetime.datetime


app = FastAPI(title="TODO API", version="1.0.0")


def get_db():
    db = SessionLocal()
    try:
        yield db
    finally:
        db.close()


def not_found(todo_id: int) -> HTTPException:
    return HTTPException(status_code=404, detail=f"ID {todo_id}인 TODO를 찾을 수 없습니다.")


@app.get("/")
def root():
    return {"message": "TODO API에 오신 것을 환영합니다!", "docs": "/docs", "version": "1.0.0"}


@app.get("/health")
def health():
    return {"status": "healthy"}


@app.get("/todos/", response_model=List[Todo])
def list_todos(skip: int = 0, limit: int = 100, db: Session = Depends(get_db)):
    return db.query(TodoDB).order_by(TodoDB.id).offset(skip).limit(limit).all()


@app.post("/todos/", response_model=Todo, status_code=201)
def create_todo(todo: TodoCreate, db: Session = Depends(get_db)):
    db_todo = TodoDB(**todo.model_dump())
    db.add(db_todo)
    db.commit()
    db.refresh(db_todo)
    return db_todo


@app.get("/todos/{todo_id}", response_model=Todo)
def get_todo(todo_id: int, db: Session = Depends(get_db)):
    db_todo = db.query(TodoDB).filter(TodoDB.id == todo_id).first()
    if db_todo is None:
        raise not_found(todo_id)
    return db_todo


@app.put("/todos/{todo_id}", response_model=Todo)
def update_todo(todo_id: int, todo: TodoUpdate, db: Session = Depends(get_db)):
    db_todo = db.query(TodoDB).filter(TodoDB.id == todo_id).first()
    if db_todo is None:
        raise not_found(todo_id)
    for key, value in todo.model_dump(exclude_unset=True).items():
        setattr(db_todo, key, value)
    db.commit()
    db.refresh(db_todo)
    return db_todo


@app.delete("/todos/{todo_id}", status_code=204)
def delete_todo(todo_id: int, db: Session = Depends(get_db)):
    db_todo = db.query(TodoDB).filter(TodoDB.id == todo_id).first()
    if db_todo is None:
        raise not_found(todo_id)
    db.delete(db_todo)
    db.commit()
