import { useState, type DragEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { usePlayer } from '../player/store';
import { formatDuration } from '../lib/format';

/** The queue: what played, what plays now, what comes next; drag (or arrow buttons) to reorder. */
export function QueuePanel() {
  const { t } = useTranslation();
  const { queue, index, playAt, move, remove, clearQueue, setQueueOpen } = usePlayer();
  const [dragFrom, setDragFrom] = useState<number | null>(null);
  const [dropAt, setDropAt] = useState<number | null>(null);

  const onDrop = (event: DragEvent, to: number) => {
    event.preventDefault();
    if (dragFrom !== null) move(dragFrom, to);
    setDragFrom(null);
    setDropAt(null);
  };

  return (
    <aside className="queue-panel" aria-labelledby="queue-title" data-testid="queue-panel">
      <div className="queue-head">
        <h2 id="queue-title">{t('queue.title')}</h2>
        <button type="button" onClick={clearQueue} disabled={queue.length <= 1}>
          {t('queue.clear')}
        </button>
        <button type="button" onClick={() => setQueueOpen(false)} aria-label={t('queue.close')}>
          ×
        </button>
      </div>
      {queue.length === 0 ? (
        <p className="muted queue-empty">{t('queue.empty')}</p>
      ) : (
        <>
          <p className="muted queue-hint">{t('queue.dragHint')}</p>
          <ol className="queue-list">
            {queue.map((item, i) => (
              <li
                key={item.key}
                className={`queue-item ${i === index ? 'current' : ''} ${i < index ? 'played' : ''} ${dropAt === i ? 'drop-target' : ''}`}
                draggable
                onDragStart={(e) => {
                  setDragFrom(i);
                  e.dataTransfer.effectAllowed = 'move';
                  e.dataTransfer.setData('text/plain', String(i));
                }}
                onDragOver={(e) => {
                  e.preventDefault();
                  if (dropAt !== i) setDropAt(i);
                }}
                onDragLeave={() => setDropAt(null)}
                onDrop={(e) => onDrop(e, i)}
                onDragEnd={() => {
                  setDragFrom(null);
                  setDropAt(null);
                }}
                aria-current={i === index ? 'true' : undefined}
                data-testid="queue-item"
              >
                <button
                  type="button"
                  className="queue-play"
                  onClick={() => playAt(i)}
                  aria-label={t('queue.playItem', { title: item.track.title })}
                >
                  <span className="queue-title">{item.track.title}</span>
                  <span className="muted queue-artist">
                    {item.track.artist} · {formatDuration(item.track.durationMs)}
                  </span>
                </button>
                <span className="queue-actions">
                  <button
                    type="button"
                    className="small"
                    onClick={() => move(i, i - 1)}
                    disabled={i === 0}
                    aria-label={t('queue.moveUp', { title: item.track.title })}
                  >
                    ↑
                  </button>
                  <button
                    type="button"
                    className="small"
                    onClick={() => move(i, i + 1)}
                    disabled={i === queue.length - 1}
                    aria-label={t('queue.moveDown', { title: item.track.title })}
                  >
                    ↓
                  </button>
                  <button
                    type="button"
                    className="small"
                    onClick={() => remove(i)}
                    aria-label={t('queue.remove', { title: item.track.title })}
                  >
                    ×
                  </button>
                </span>
              </li>
            ))}
          </ol>
        </>
      )}
    </aside>
  );
}
